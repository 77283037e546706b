import { backoffDelay } from '../util/backoff';
import { parseClockCue, type ClockCue } from './live-clock';

export type WatchState = 'connecting' | 'playing' | 'offline';

/** What LivePlayer needs of an mpegts.js player (so that tests can hand it a double). */
export interface FlvPlayerLike {
  on(event: string, listener: (...args: any[]) => void): void;
  attachMediaElement(video: HTMLMediaElement): void;
  load(): void;
  play(): Promise<void> | void;
  unload(): void;
  detachMediaElement(): void;
  destroy(): void;
  /** Players that know the clock of the picture on screen themselves (HLS: the program date-time) say it here. */
  clock?(currentTime: number): ClockCue | null;
}

/** The event names LivePlayer listens to (mpegts.Events values). */
export interface FlvEvents {
  ERROR: string;
  LOADING_COMPLETE: string;
  SCRIPTDATA_ARRIVED: string;
}

/** What LivePlayer needs of the video element. */
export type VideoLike = Pick<HTMLVideoElement, 'currentTime' | 'paused' | 'buffered' | 'muted' | 'play'>;

/** Where each connection goes (see PlaySource): asked afresh per connection, told how it ended. */
export interface UrlSource {
  next(): Promise<string>;
  ended(played: boolean): void;
}

export interface LivePlayerOptions {
  /** One URL for every connection, or a source asked before each. */
  url: string | UrlSource;
  video: VideoLike;
  createPlayer: (url: string) => FlvPlayerLike;
  events: FlvEvents;
  onChange?: (player: LivePlayer) => void;
  backoff?: (attempt: number) => number;
  /** No media progress for this long while connected (and not paused): reconnect. */
  stallMs?: number;
  now?: () => number;
}

/**
 * Plays one live stream over WebSocket-FLV and keeps it playing: whenever the socket closes or
 * errors the player is destroyed and a new one is made after a backoff (0.5 s doubling to 5 s),
 * forever — a stream that went offline comes back by itself. Tracks the latest clock cue.
 */
export class LivePlayer {
  state: WatchState = 'connecting';
  reconnects = 0;
  /** The latest `livestream.clock` cue of the current connection, null until one arrived. */
  cue: ClockCue | null = null;
  /** True when the browser refused to autoplay with sound and the player went muted. */
  autoMuted = false;

  private player: FlvPlayerLike | null = null;
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTime = 0;
  private lastProgressAt = 0;
  /** Until start(), and after stop(): no connection is made, not even by retryNow(). */
  private halted = true;
  /** Counts connections, so that a URL that arrives after the player moved on is dropped. */
  private generation = 0;
  private playedThisConnection = false;
  private readonly backoff: (attempt: number) => number;
  private readonly now: () => number;

  constructor(private readonly options: LivePlayerOptions) {
    this.backoff = options.backoff ?? ((n) => backoffDelay(n));
    this.now = options.now ?? (() => Date.now());
  }

  start(): void {
    this.halted = false;
    this.connect();
  }

  /** True until start(), and after stop(). */
  get stopped(): boolean {
    return this.halted;
  }

  /** The stream is said to be back (room notice): retry at once instead of waiting out the backoff. */
  retryNow(): void {
    if (this.halted || this.state === 'playing') {
      return;
    }
    this.attempts = 0;
    this.clearRetry();
    this.reconnect();
  }

  stop(): void {
    this.halted = true;
    this.clearRetry();
    this.teardown();
  }

  /** Call a few times a second: notices playback progress and stalls. */
  tick(): void {
    const video = this.options.video;
    const now = this.now();
    const time = video.currentTime;
    const cue = this.player?.clock?.(time);
    if (cue) this.cue = cue;
    if (this.player && time > this.lastTime + 0.01) {
      this.lastProgressAt = now;
      this.playedThisConnection = true;
      if (this.state !== 'playing') {
        this.attempts = 0;
        this.setState('playing');
      }
    }
    this.lastTime = time;
    const stallMs = this.options.stallMs ?? 15_000;
    if (this.player && !video.paused && now - this.lastProgressAt > stallMs) {
      this.disconnected(); // connected yet nothing plays: a half-dead socket
    }
  }

  private connect(): void {
    this.teardown();
    this.cue = null;
    this.lastTime = 0;
    this.lastProgressAt = this.now();
    this.playedThisConnection = false;
    const generation = ++this.generation;
    const source = this.options.url;
    if (typeof source === 'string') {
      this.open(source);
      return;
    }
    source.next().then(
      (url) => { if (!this.halted && generation === this.generation) this.open(url); },
      () => { if (!this.halted && generation === this.generation) this.disconnected(); },
    );
  }

  private open(url: string): void {
    this.lastProgressAt = this.now();
    const player = this.options.createPlayer(url);
    this.player = player;
    const { events } = this.options;
    // events of a player that was already replaced are ignored
    player.on(events.ERROR, () => { if (this.player === player) this.disconnected(); });
    player.on(events.LOADING_COMPLETE, () => { if (this.player === player) this.disconnected(); });
    player.on(events.SCRIPTDATA_ARRIVED, (data: unknown) => { if (this.player === player) this.onScriptData(data); });
    player.attachMediaElement(this.options.video as HTMLMediaElement);
    player.load();
    this.startPlayback(player);
  }

  private startPlayback(player: FlvPlayerLike): void {
    const played = player.play();
    if (played && typeof played.catch === 'function') {
      played.catch((error: unknown) => {
        if (this.player !== player || (error as { name?: string })?.name !== 'NotAllowedError') {
          return; // AbortError: the player was replaced before playback started
        }
        // no autoplay with sound without a gesture: play muted, the page offers to unmute
        this.options.video.muted = true;
        this.autoMuted = true;
        this.notify();
        Promise.resolve(this.options.video.play()).catch(() => undefined);
      });
    }
  }

  private onScriptData(data: unknown): void {
    const cue = parseClockCue(data);
    if (!cue) {
      return;
    }
    const buffered = this.options.video.buffered;
    // the newest media: the keyframe this cue follows is there, or about to be appended
    const position = buffered.length > 0 ? buffered.end(buffered.length - 1) : this.options.video.currentTime;
    this.cue = { position, streamTs: cue.streamTs, serverTime: cue.serverTime };
    this.notify();
  }

  private disconnected(): void {
    if (this.halted) {
      return;
    }
    if (typeof this.options.url !== 'string') {
      this.options.url.ended(this.playedThisConnection);
    }
    this.teardown();
    this.setState('offline');
    this.clearRetry();
    const delay = this.backoff(this.attempts++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.reconnect();
    }, delay);
  }

  private reconnect(): void {
    this.reconnects++;
    this.connect();
    this.notify();
  }

  private teardown(): void {
    const player = this.player;
    this.player = null;
    this.cue = null;
    if (!player) {
      return;
    }
    try {
      player.unload();
      player.detachMediaElement();
      player.destroy();
    } catch {
      // a player that failed half-way may throw on teardown; it is dropped either way
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
  }

  private setState(state: WatchState): void {
    if (this.state !== state) {
      this.state = state;
      this.notify();
    }
  }

  private notify(): void {
    this.options.onChange?.(this);
  }
}
