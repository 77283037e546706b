/**
 * Where a scrolling comment may enter without overlapping the one before it in its lane.
 *
 * A comment of width w entering at time t travels from the right edge to beyond the left edge
 * at `speed` px/s. The next comment in the same lane may enter once (a) the previous one's tail
 * has cleared the right edge plus a gap, and (b) it cannot catch up with it before that one
 * leaves: comments move at one speed, so (a) suffices. Fixed (top/bottom) comments take a lane
 * for their display time.
 */
export interface LaneOptions {
  lanes: number;
  /** Pixels per second of a scrolling comment. */
  speed: number;
  /** Minimum horizontal gap between two comments of one lane, px. */
  gap: number;
  /** How long a top or bottom comment stays, ms. */
  fixedMs: number;
}

export type Mode = 'scroll' | 'top' | 'bottom';

export class LaneLayout {
  private readonly scrollFreeAt: number[];
  private readonly fixedFreeAt: { top: number[]; bottom: number[] };

  constructor(private readonly options: LaneOptions) {
    this.scrollFreeAt = new Array(options.lanes).fill(-Infinity);
    this.fixedFreeAt = { top: new Array(options.lanes).fill(-Infinity), bottom: new Array(options.lanes).fill(-Infinity) };
  }

  /**
   * The lane for a comment of `width` px shown at `now` ms, or null when every lane is busy (the
   * density limit: the comment is dropped rather than stacked on another).
   */
  place(mode: Mode, width: number, now: number): number | null {
    if (mode === 'scroll') {
      const lane = this.scrollFreeAt.findIndex((free) => free <= now);
      if (lane < 0) {
        return null;
      }
      // the lane frees once this comment's tail, plus the gap, has entered the screen
      this.scrollFreeAt[lane] = now + ((width + this.options.gap) / this.options.speed) * 1000;
      return lane;
    }
    const lanes = this.fixedFreeAt[mode];
    const lane = lanes.findIndex((free) => free <= now);
    if (lane < 0) {
      return null;
    }
    lanes[lane] = now + this.options.fixedMs;
    return lane;
  }

  /** How long a scrolling comment of `width` px takes to cross a screen of `screenWidth` px, ms. */
  travelMs(width: number, screenWidth: number): number {
    return ((screenWidth + width) / this.options.speed) * 1000;
  }
}
