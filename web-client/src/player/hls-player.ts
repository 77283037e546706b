import type HlsJs from 'hls.js';
import type { ClockCue } from './live-clock';
import type { FlvEvents, FlvPlayerLike } from './live-player';
import { fetchAnchor } from './hls-anchor';

/** The events an HlsPlayer raises, under LivePlayer's names: a fatal error, and the end of the stream. */
export const hlsEvents: FlvEvents = { ERROR: 'error', LOADING_COMPLETE: 'ended', SCRIPTDATA_ARRIVED: 'scriptdata' };

/** hls.js tuned for LL-HLS: blocking reloads and parts, and a faster catch-up to the hold-back than its default. */
export const HLS_JS_CONFIG = { lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5, backBufferLength: 30 } as const;

const ANCHOR_RETRY_MS = 3000;

type Listener = (...args: unknown[]) => void;

/**
 * Plays LL-HLS in the video element, through the element itself (Safari, WeChat/QQ's X5) or
 * through hls.js (its light build, loaded on this path only), behind the same face as the mpegts.js player so that
 * LivePlayer reconnects it the same way. Its clock is the playlist's program date-time: the
 * date-time of the picture on screen, turned into a stream timestamp by the anchor (see hls-anchor).
 */
export class HlsPlayer implements FlvPlayerLike {
  private readonly listeners = new Map<string, Listener[]>();
  private video: HTMLVideoElement | null = null;
  private hls: HlsJs | null = null;
  private ready: Promise<void> = Promise.resolve();
  private destroyed = false;
  private anchorMs: number | null = null;
  private anchorAskedAt = Number.NEGATIVE_INFINITY;
  private readonly onVideoError = () => this.emit(hlsEvents.ERROR);
  private readonly onVideoEnded = () => this.emit(hlsEvents.LOADING_COMPLETE);

  constructor(
    private readonly url: string,
    private readonly useHlsJs: boolean,
    private readonly loadHlsJs: () => Promise<{ default: typeof HlsJs }> = () => import('hls.js/light'),
    private readonly anchor: (url: string) => Promise<number | null> = (u) => fetchAnchor(u),
    private readonly now: () => number = () => Date.now(),
  ) {}

  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  attachMediaElement(video: HTMLMediaElement): void {
    this.video = video as HTMLVideoElement;
    video.addEventListener('error', this.onVideoError);
    video.addEventListener('ended', this.onVideoEnded);
  }

  load(): void {
    const video = this.video;
    if (!video) return;
    this.askAnchor();
    if (!this.useHlsJs) {
      video.src = this.url;
      return;
    }
    this.ready = this.loadHlsJs().then(({ default: Hls }) => {
      if (this.destroyed) return;
      const hls = new Hls({ ...HLS_JS_CONFIG });
      hls.on(Hls.Events.ERROR, (_event, data) => { if (data.fatal) this.emit(hlsEvents.ERROR); });
      hls.loadSource(this.url);
      hls.attachMedia(video);
      this.hls = hls;
    }, () => this.emit(hlsEvents.ERROR));
  }

  play(): Promise<void> | void {
    const video = this.video;
    if (!video) return undefined;
    return this.ready.then(() => (this.destroyed ? undefined : video.play()));
  }

  unload(): void {
    this.hls?.stopLoad();
  }

  detachMediaElement(): void {
    const video = this.video;
    if (!video) return;
    this.hls?.detachMedia();
    video.removeEventListener('error', this.onVideoError);
    video.removeEventListener('ended', this.onVideoEnded);
    if (!this.useHlsJs) {
      video.removeAttribute('src');
      video.load();
    }
    this.video = null;
  }

  destroy(): void {
    this.destroyed = true;
    this.hls?.destroy();
    this.hls = null;
  }

  /** The clock at the picture on screen: its date-time and stream timestamp; null while either is unknown. */
  clock(currentTime: number): ClockCue | null {
    const serverTime = this.programDateTime(currentTime);
    if (this.anchorMs === null) this.askAnchor();
    if (serverTime === null || this.anchorMs === null) return null;
    return { position: currentTime, serverTime, streamTs: serverTime - this.anchorMs };
  }

  /** hls.js's date of the playing position, or the element's (Safari: `getStartDate()` is the date-time of position 0). */
  private programDateTime(currentTime: number): number | null {
    if (this.useHlsJs) {
      const date = this.hls?.playingDate;
      return date ? date.getTime() : null;
    }
    const start = (this.video as (HTMLVideoElement & { getStartDate?: () => Date }) | null)?.getStartDate?.();
    const at = start ? start.getTime() : Number.NaN;
    return Number.isFinite(at) ? at + currentTime * 1000 : null;
  }

  private askAnchor(): void {
    const now = this.now();
    if (this.destroyed || now - this.anchorAskedAt < ANCHOR_RETRY_MS) return;
    this.anchorAskedAt = now;
    void this.anchor(this.url).then((anchor) => { if (!this.destroyed && anchor !== null) this.anchorMs = anchor; });
  }

  private emit(event: string, ...args: unknown[]): void {
    (this.listeners.get(event) ?? []).forEach((listener) => listener(...args));
  }
}
