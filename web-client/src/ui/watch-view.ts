import { DanmakuOverlay } from '../danmaku/overlay';
import { ClockOffset } from '../player/clock-offset';
import { formatDelay, liveDelayMs, streamTsAt } from '../player/live-clock';
import { LivePlayer, type WatchState } from '../player/live-player';
import { askGateway, PlaySource } from '../player/play-source';
import { choosePlayer, isHls, type PlayerKind, videoHls } from '../player/choice';
import { playerParts, playerRuns } from '../player/player-setup';
import { RoomClient, type SocketLike } from '../room/client';
import { LikeBatcher } from '../room/likes';
import type { Hello, RoomEvent } from '../room/protocol';
import { createSession, dropToken, loadToken, saveToken } from '../room/session';
import { formatTime, t } from '../i18n';
import { flvUrl, hlsUrl, roomUrl } from '../util/urls';
import { ChatPanel, giftText } from './chat-panel';
import { h } from './dom';
import { icon } from './icons';
import { CONTROLS_SHOWN_MS } from './layout';

export interface WatchHook {
  state: WatchState;
  delayMs: number | null;
  reconnects: number;
  roomReady: boolean;
  /** Where the player's latest connection went (a relay's URL when the gateway sent it there), without the token. */
  playUrl: string | null;
  /** Why the player was not started (this browser cannot decode the stream's codec), else null. */
  cannotPlay: string | null;
  /** The player chosen for this browser (see choosePlayer). */
  player: PlayerKind;
  /** The stream timestamp (ms) on screen, the danmaku overlay's clock; null while unknown. */
  streamTs: number | null;
}

declare global {
  interface Window {
    __watch?: WatchHook;
  }
}

export interface WatchViewOptions {
  stream: string;
  /** Start muted (the studio's preview of one's own stream). */
  muted?: boolean;
  /** A fixed room token (the studio's streamer token); otherwise the viewer's stored guest token. */
  token?: string;
  moderation?: boolean;
  /** A token for the media socket too: a private stream plays only with one (play, streamer, moderator or admin token). */
  playToken?: string;
  /** The player to use; otherwise chosen for this browser and `?player=`. */
  player?: PlayerKind;
  /**
   * Why this browser cannot decode the stream as it is now, else undefined: asked again each time
   * the stream comes online, since a page may be opened before the stream goes live and a
   * streamer may switch codecs between sessions (H.264, then HEVC).
   */
  checkCodec?: () => Promise<string | undefined>;
}

const MEMBER_ROLES = new Set(['viewer', 'streamer', 'moderator', 'admin']);
const PING_EVERY_MS = 10_000;
/** What a moderator's page says about another member's notice. */
const MODERATION_NOTICES: Partial<Record<string, string>> = {
  muted: 'notice.userMuted', unmuted: 'notice.userUnmuted', banned: 'notice.userBanned', unbanned: 'notice.userUnbanned',
};

/**
 * The watch page's body: player with delay indicator and controls, danmaku overlay, and the
 * room panel; keeps `window.__watch` current for tests.
 */
export class WatchView {
  readonly root: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly overlayText: HTMLElement;
  private readonly delayText: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly muteButton: HTMLButtonElement;
  private readonly unmuteButton: HTMLButtonElement;
  private readonly kind: PlayerKind;
  private readonly volume: HTMLInputElement;
  private readonly giftStage: HTMLElement;
  private readonly player: LivePlayer;
  private readonly playSource: PlaySource;
  private readonly overlay: DanmakuOverlay;
  private readonly room: RoomClient;
  private readonly chat: ChatPanel;
  private readonly likes: LikeBatcher;
  private readonly clock = new ClockOffset();
  private token: string | null;
  private roomReady = false;
  private you: Hello['you'] | null = null;
  private delayMs: number | null = null;
  private cannotPlay: string | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private buttonsShown = '';

  constructor(private readonly options: WatchViewOptions) {
    this.token = options.token ?? loadToken();

    // inline, not the phone's own full-screen player: iOS (playsinline), old iOS, WeChat/QQ's X5 engine
    this.video = h('video', { id: 'player', playsinline: true, 'webkit-playsinline': true, 'x5-playsinline': true, 'x5-video-player-type': 'h5',
      autoplay: true, 'aria-label': t('player.videoLabel', { stream: options.stream }) });
    this.video.muted = options.muted ?? false;
    this.kind = options.player ?? choosePlayer(globalThis as unknown as Record<string, unknown>, location.search, videoHls(this.video));
    if (this.kind === 'flv-managed') this.video.disableRemotePlayback = true; // mpegts.js takes ManagedMediaSource only then
    const layer = h('div', { id: 'danmaku-layer', class: 'danmaku-layer', 'aria-hidden': 'true' });
    this.giftStage = h('div', { id: 'gift-stage', class: 'gift-stage', 'aria-live': 'polite' });
    this.overlayText = h('div', { id: 'player-status', class: 'player-status', role: 'status', text: t('player.connecting') });
    this.unmuteButton = h('button', { id: 'unmute-button', type: 'button', class: 'unmute', hidden: true }, icon('muted'), ` ${t('player.autoMuted')}`);
    const box = h('div', { id: 'video-box', class: 'video-box' }, this.video, layer, this.giftStage, this.overlayText, this.unmuteButton);

    this.playButton = h('button', { id: 'play-button', type: 'button', class: 'ctl', 'aria-label': t('player.pause') }, icon('pause'));
    this.muteButton = h('button', { id: 'mute-button', type: 'button', class: 'ctl', 'aria-label': t('player.mute') }, icon('volume'));
    this.volume = h('input', { id: 'volume', type: 'range', min: 0, max: 1, step: 0.05, value: 1, 'aria-label': t('player.volume') });
    this.delayText = h('span', { id: 'live-delay', class: 'live-delay', 'aria-live': 'off', text: t('player.measuring') });
    const fullscreen = h('button', { id: 'fullscreen-button', type: 'button', class: 'ctl', 'aria-label': t('player.fullscreen') }, icon('fullscreen'));
    const danmakuToggle = h('input', { id: 'danmaku-toggle', type: 'checkbox', checked: true });
    const opacity = h('input', { id: 'danmaku-opacity', type: 'range', min: 0.1, max: 1, step: 0.05, value: 1, 'aria-label': t('player.danmakuOpacity') });
    const density = h('select', { id: 'danmaku-density', 'aria-label': t('player.danmakuDensity') },
      h('option', { value: '0.25', text: t('player.densityFew') }), h('option', { value: '0.5', text: t('player.densitySome'), selected: true }),
      h('option', { value: '1', text: t('player.densityMany') }));
    const controls = h('div', { id: 'player-controls', class: 'controls', role: 'toolbar', 'aria-label': t('player.controls') },
      this.playButton, this.muteButton, this.volume,
      h('span', { class: 'live-badge', text: t('badge.live') }), this.delayText, h('span', { class: 'spacer' }),
      h('label', { class: 'toggle' }, danmakuToggle, ` ${t('player.danmaku')}`), opacity, density, fullscreen);

    this.overlay = new DanmakuOverlay(layer, () => this.playbackTs());
    this.playSource = new PlaySource({ gatewayUrl: flvUrl(options.stream), ask: askGateway(options.stream), token: options.playToken });
    this.player = new LivePlayer({
      ...playerParts(this.kind, this.playSource, hlsUrl(options.stream), options.playToken),
      video: this.video, onChange: () => this.render(),
    });

    this.chat = new ChatPanel({
      signIn: (nickname) => this.signIn(nickname),
      sendDanmaku: (text, color, mode) => this.room.send({ type: 'danmaku', text, color, mode, streamTs: this.ownStreamTs() }),
      like: () => (this.canSend() ? this.likes.click() : this.chat.askForNickname(t('gifts.needNicknameLike'))),
      gift: (giftId) => (this.canSend() ? this.room.send({ type: 'gift', giftId, count: 1 }) : this.chat.askForNickname(t('gifts.needNicknameGift'))),
      moderate: (action, target) => this.room.send(action === 'mute' ? { type: 'mute', userId: target.userId, seconds: 300 }
        : action === 'ban' ? { type: 'ban', userId: target.userId } : { type: 'delete', messageId: target.messageId }),
    }, { moderation: options.moderation ?? false, allowSignIn: options.token === undefined });
    this.likes = new LikeBatcher((count) => this.room.send({ type: 'like', count }));

    this.room = new RoomClient((lastSeq) => roomUrl(options.stream, this.token, lastSeq), (url) => new WebSocket(url) as unknown as SocketLike, {
      hello: (hello) => this.onHello(hello),
      event: (event, fromHistory) => this.onEvent(event, fromHistory),
      error: (error) => this.chat.showError(error.code, error.message),
      pong: (ts) => this.clock.pongReceived(ts, Date.now()),
      closed: (code, _reason, retryInMs) => this.onRoomClosed(code, retryInMs),
    });

    const stage = h('section', { class: 'stage', 'aria-label': t('player.region') }, box, controls);
    this.root = h('div', { class: 'watch-layout' }, stage, this.chat.root);
    this.wireControls(fullscreen, danmakuToggle, opacity, density);
    this.wireTapControls(stage, box);
  }

  /** Starts the room and the player; with `cannotPlay` (why this browser cannot decode the stream) the room only, the reason shown over the picture. */
  start(cannotPlay?: string): void {
    this.playOrExplain(cannotPlay);
    this.room.connect();
    this.chat.setIdentity(this.token !== null, false);
    this.timers.push(setInterval(() => this.tick(), 200));
    this.timers.push(setInterval(() => this.ping(), PING_EVERY_MS));
    this.render();
  }

  /** Plays, or stops and says why not: the player runs only while this browser can decode the stream. */
  private playOrExplain(cannotPlay: string | undefined): void {
    this.cannotPlay = cannotPlay ?? null;
    if (this.cannotPlay) {
      this.player.stop();
      this.overlayText.textContent = this.cannotPlay;
    } else if (!playerRuns(this.kind)) {
      this.overlayText.textContent = t('player.noMse');
    } else if (this.player.stopped) {
      this.player.start();
    } else {
      this.player.retryNow();
    }
    this.render();
  }

  /** The stream came online: play it again at once, after asking whether this browser can decode it now. */
  private async streamOnline(): Promise<void> {
    if (!this.options.checkCodec) {
      this.player.retryNow();
      return;
    }
    if (this.player.state !== 'playing') this.player.stop(); // no retry reaches the stream before its codec is known
    this.playOrExplain(await this.options.checkCodec());
  }

  private tick(): void {
    this.player.tick();
    this.overlay.tick();
    const cue = this.player.cue;
    const offset = this.clock.offsetMs;
    this.delayMs = cue && offset !== null && this.player.state === 'playing'
      ? Math.round(liveDelayMs(cue, this.video.currentTime, Date.now() + offset)) : null;
    this.render();
  }

  private render(): void {
    const state = this.player.state;
    window.__watch = { state, delayMs: this.delayMs, reconnects: this.player.reconnects, roomReady: this.roomReady,
      playUrl: isHls(this.kind) ? hlsUrl(this.options.stream) : this.playSource.last?.url ?? null, cannotPlay: this.cannotPlay, player: this.kind,
      streamTs: this.playbackTs() };
    this.delayText.textContent = state === 'offline' ? t('player.offlineShort') : formatDelay(this.delayMs);
    this.overlayText.hidden = state === 'playing';
    if (this.cannotPlay) this.overlayText.hidden = false;
    else if (state === 'offline') this.overlayText.textContent = t('player.offline');
    else if (state === 'connecting') this.overlayText.textContent = t('player.connecting');
    // the browser refused sound: playing muted, with a button that asks for it
    this.unmuteButton.hidden = !(this.player.autoMuted && this.video.muted);
    const buttons = `${this.video.paused}/${this.video.muted}`;
    if (buttons !== this.buttonsShown) { // icons only when they change, not on every tick
      this.buttonsShown = buttons;
      const paused = this.video.paused;
      this.playButton.replaceChildren(icon(paused ? 'play' : 'pause'));
      this.playButton.setAttribute('aria-label', paused ? t('player.play') : t('player.pause'));
      this.muteButton.replaceChildren(icon(this.video.muted ? 'muted' : 'volume'));
      this.muteButton.setAttribute('aria-label', this.video.muted ? t('player.unmute') : t('player.mute'));
    }
  }

  /** The stream timestamp (ms) on screen now, or null before the first clock cue. */
  private playbackTs(): number | null {
    const cue = this.player.cue;
    return cue ? streamTsAt(cue, this.video.currentTime) : null;
  }

  /** What our danmaku say we were watching: 0 when unknown (the room then shows it at once). */
  private ownStreamTs(): number {
    const ts = this.playbackTs();
    return ts === null ? 0 : Math.max(0, Math.round(ts));
  }

  private canSend(): boolean {
    return this.token !== null && this.roomReady && this.you !== null && MEMBER_ROLES.has(this.you.role);
  }

  private onHello(hello: Hello): void {
    this.roomReady = true;
    this.you = hello.you ?? null;
    this.chat.hello(hello);
    this.chat.setIdentity(this.token !== null && this.you !== null && MEMBER_ROLES.has(this.you.role), true);
    // a few quick samples for a good first offset, then one every 10 s
    this.clock.reset();
    this.ping();
    setTimeout(() => this.ping(), 400);
    setTimeout(() => this.ping(), 1200);
    this.render();
  }

  private ping(): void {
    if (this.roomReady && this.clock.pingSent(Date.now())) {
      if (!this.room.send({ type: 'ping' })) this.clock.reset();
    }
  }

  private onEvent(event: RoomEvent, fromHistory: boolean): void {
    switch (event.type) {
      case 'danmaku':
        this.chat.addDanmaku(event);
        if (!fromHistory) this.overlay.add(event); // history is listed, never flown
        break;
      case 'gift':
        this.chat.addGift(event);
        if (!fromHistory) this.celebrate(giftText('chat.giftBurst', event));
        break;
      case 'stats':
        this.chat.setCounts(event.viewers, event.likes);
        this.chat.setLeaderboard(event.leaderboard);
        break;
      case 'notice':
        if (event.kind === 'deleted' && event.messageId) {
          this.chat.remove(event.messageId);
          this.overlay.remove(event.messageId);
        } else if (event.kind === 'stream-online') {
          if (!fromHistory) void this.streamOnline();
          this.chat.addNotice(t('notice.streamOnline'));
        } else if (event.kind === 'stream-offline') {
          this.chat.addNotice(t('notice.streamOffline'));
        } else if (event.userId && event.userId === this.you?.id) {
          this.chat.addNotice(event.kind === 'muted'
            ? (event.until ? t('notice.youMutedUntil', { time: formatTime(event.until) }) : t('notice.youMuted'))
            : event.kind === 'unmuted' || event.kind === 'unbanned' ? t('notice.youMayChat') : t('notice.youBanned'));
        } else if (this.options.moderation && event.userId) {
          const key = MODERATION_NOTICES[event.kind];
          if (key) this.chat.addNotice(t(key, { user: event.userId }));
        }
        break;
    }
  }

  /** A gift flies up over the video for a moment (CSS animation). */
  private celebrate(text: string): void {
    const el = h('div', { class: 'gift-burst' }, icon('gift', 'gift-burst-icon'), h('span', { text }));
    el.addEventListener('animationend', () => el.remove());
    setTimeout(() => el.remove(), 4000); // in case animations are off
    this.giftStage.append(el);
  }

  private onRoomClosed(code: number, retryInMs: number | null): void {
    this.roomReady = false;
    this.clock.reset();
    if (code === 4401) {
      // the token was refused (expired, secret rotated): back to read-only, ask for a nickname again
      if (this.options.token === undefined) dropToken();
      this.token = null;
      this.chat.setIdentity(false, false, this.options.token === undefined ? t('room.sessionEnded') : t('room.streamerTokenRefused'));
      if (this.options.token === undefined) setTimeout(() => this.room.connect(), 300);
    } else if (code === 4403) {
      this.token = null;
      this.chat.setIdentity(false, false, t('room.bannedReadOnly'));
      this.chat.addNotice(t('notice.youBanned'));
      setTimeout(() => this.room.connect(), 1000);
    } else if (retryInMs === null) {
      this.chat.setIdentity(this.token !== null, false, t('room.disconnected'));
      setTimeout(() => this.room.connect(), 10_000);
    } else {
      this.chat.setIdentity(this.token !== null, false);
    }
    this.render();
  }

  private async signIn(nickname: string): Promise<void> {
    const session = await createSession(nickname);
    saveToken(session.token);
    this.token = session.token;
    this.roomReady = false;
    this.chat.setIdentity(true, false);
    this.room.reconnect();
  }

  /** On a touch screen the controls show on a tap on the video and fade after a few seconds. */
  private wireTapControls(stage: HTMLElement, box: HTMLElement): void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const show = () => {
      stage.classList.add('controls-shown');
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => stage.classList.remove('controls-shown'), CONTROLS_SHOWN_MS);
    };
    box.addEventListener('click', () => {
      if (stage.classList.contains('controls-shown')) {
        stage.classList.remove('controls-shown');
        if (timer) clearTimeout(timer);
      } else {
        show();
      }
    });
    stage.addEventListener('focusin', show); // keyboard users reach the controls too
    const controls = stage.querySelector('.controls');
    stage.addEventListener('pointerdown', (ev) => { if (controls?.contains(ev.target as Node)) show(); });
  }

  private wireControls(fullscreen: HTMLButtonElement, toggle: HTMLInputElement, opacity: HTMLInputElement, density: HTMLSelectElement): void {
    const video = this.video;
    this.playButton.addEventListener('click', () => {
      if (video.paused) {
        // a live stream resumes at live, not where it was paused
        const buffered = video.buffered;
        if (buffered.length > 0) video.currentTime = Math.max(buffered.start(buffered.length - 1), buffered.end(buffered.length - 1) - 0.3);
        video.play().catch(() => undefined);
      } else {
        video.pause();
      }
      this.render();
    });
    const toggleMute = () => {
      video.muted = !video.muted;
      if (!video.muted && video.volume === 0) video.volume = this.volume.valueAsNumber = 0.5;
      this.player.autoMuted = false;
      this.render();
    };
    this.muteButton.addEventListener('click', toggleMute);
    this.unmuteButton.addEventListener('click', (ev) => { ev.stopPropagation(); toggleMute(); });
    this.volume.addEventListener('input', () => {
      video.volume = this.volume.valueAsNumber;
      video.muted = video.volume === 0;
      this.render();
    });
    video.addEventListener('play', () => this.render());
    video.addEventListener('pause', () => this.render());
    video.addEventListener('volumechange', () => this.render());
    fullscreen.addEventListener('click', () => {
      if (document.fullscreenElement) {
        void document.exitFullscreen().catch(() => undefined);
      } else if (this.root.requestFullscreen) {
        // the player and the room together: full screen keeps the danmaku and a compact input
        void this.root.requestFullscreen().catch(() => undefined);
      } else {
        (video as HTMLVideoElement & { webkitEnterFullscreen?: () => void }).webkitEnterFullscreen?.(); // iOS: the video alone
      }
    });
    toggle.addEventListener('change', () => this.overlay.apply({ enabled: toggle.checked }));
    opacity.addEventListener('input', () => this.overlay.apply({ opacity: opacity.valueAsNumber }));
    density.addEventListener('change', () => this.overlay.apply({ density: Number(density.value) }));
  }
}
