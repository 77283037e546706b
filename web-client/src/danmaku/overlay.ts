import type { DanmakuEvent } from '../room/protocol';
import { LaneLayout } from './lanes';
import { StreamTsSchedule } from './schedule';

export interface OverlaySettings {
  enabled: boolean;
  /** 0.1-1 */
  opacity: number;
  /** Share of the picture's height comments may cover (0.25, 0.5, 1): the density limit. */
  density: number;
}

const LINE_PX = 30;
const SPEED_PX_S = 140;
const GAP_PX = 24;
const FIXED_MS = 4000;
/** A comment this far ahead of our playback comes from another timeline (a restarted stream): show it now. */
const MAX_AHEAD_MS = 15_000;

type Queued = DanmakuEvent;

/**
 * When a comment is due: at once without a stream-time mapping (or without a sender timestamp),
 * at once when our playback is already past it, else once playback reaches it.
 */
export function dueNow(streamTs: number, playbackTs: number | null): boolean {
  return playbackTs === null || streamTs <= 0 || streamTs <= playbackTs || streamTs - playbackTs > MAX_AHEAD_MS;
}

/** Flies live comments over the video, each when this viewer's playback reaches its streamTs. */
export class DanmakuOverlay {
  settings: OverlaySettings = { enabled: true, opacity: 1, density: 0.5 };
  private schedule = new StreamTsSchedule<Queued>(5000);
  private layout: LaneLayout | null = null;
  private lanes = 0;

  /** @param playbackTs the stream timestamp (ms) shown now, or null while unknown */
  constructor(private readonly layer: HTMLElement, private readonly playbackTs: () => number | null) {}

  apply(settings: Partial<OverlaySettings>): void {
    this.settings = { ...this.settings, ...settings };
    this.layer.style.opacity = String(this.settings.opacity);
    this.layer.hidden = !this.settings.enabled;
    if (!this.settings.enabled) this.layer.replaceChildren();
    this.layout = null; // lane count follows the density
  }

  add(comment: DanmakuEvent): void {
    if (dueNow(comment.streamTs, this.playbackTs())) {
      this.show(comment);
    } else {
      this.schedule.add(comment);
    }
  }

  /** Call a few times a second. */
  tick(): void {
    const playbackTs = this.playbackTs();
    if (playbackTs === null) {
      // the mapping is gone (reconnecting): whatever waited is shown now rather than lost
      this.schedule.due(Number.MAX_SAFE_INTEGER).forEach((c) => this.show(c));
      return;
    }
    this.schedule.due(playbackTs).forEach((c) => this.show(c));
  }

  /** A deleted message leaves the screen too. */
  remove(messageId: string): void {
    this.layer.querySelectorAll<HTMLElement>('.danmaku').forEach((el) => {
      if (el.dataset.id === messageId) el.remove();
    });
  }

  private laneLayout(): LaneLayout {
    const height = this.layer.clientHeight || 360;
    const lanes = Math.max(1, Math.floor((height * this.settings.density) / LINE_PX));
    if (!this.layout || lanes !== this.lanes) {
      this.lanes = lanes;
      this.layout = new LaneLayout({ lanes, speed: SPEED_PX_S, gap: GAP_PX, fixedMs: FIXED_MS });
    }
    return this.layout;
  }

  private show(comment: DanmakuEvent): void {
    if (!this.settings.enabled) return;
    const el = document.createElement('div');
    el.className = `danmaku danmaku-${comment.mode}`;
    el.textContent = comment.text;
    el.dataset.id = comment.id;
    el.style.color = /^#[0-9a-fA-F]{6}$/.test(comment.color) ? comment.color : '#ffffff';
    el.style.visibility = 'hidden';
    this.layer.append(el);
    const width = el.offsetWidth || comment.text.length * 16;
    const layout = this.laneLayout();
    const lane = layout.place(comment.mode, width, performance.now());
    if (lane === null) {
      el.remove(); // every lane busy: the density limit drops it rather than stacking it
      return;
    }
    el.style.visibility = '';
    const screenWidth = this.layer.clientWidth || 640;
    if (comment.mode === 'scroll') {
      el.style.top = `${lane * LINE_PX}px`;
      const duration = layout.travelMs(width, screenWidth);
      const animation = el.animate(
        [{ transform: `translateX(${screenWidth}px)` }, { transform: `translateX(${-width}px)` }],
        { duration, easing: 'linear', fill: 'forwards' },
      );
      animation.onfinish = () => el.remove();
    } else {
      el.style[comment.mode === 'top' ? 'top' : 'bottom'] = `${lane * LINE_PX}px`;
      setTimeout(() => el.remove(), FIXED_MS);
    }
  }
}
