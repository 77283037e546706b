import { describe, expect, it } from 'vitest';
import { LaneLayout } from '../src/danmaku/lanes';

const options = { lanes: 3, speed: 200, gap: 20, fixedMs: 4000 };

describe('LaneLayout', () => {
  it('puts simultaneous comments in different lanes', () => {
    const layout = new LaneLayout(options);
    expect([layout.place('scroll', 180, 0), layout.place('scroll', 180, 0), layout.place('scroll', 180, 0)]).toEqual([0, 1, 2]);
  });

  it('drops a comment when every lane is busy (density limit)', () => {
    const layout = new LaneLayout(options);
    for (let i = 0; i < 3; i++) layout.place('scroll', 180, 0);
    expect(layout.place('scroll', 180, 500)).toBeNull();
  });

  it('reuses a lane once the previous comment has fully entered with a gap', () => {
    const layout = new LaneLayout(options);
    layout.place('scroll', 180, 0); // tail + gap enter after (180 + 20) / 200 s = 1000 ms
    layout.place('scroll', 180, 0);
    layout.place('scroll', 180, 0);
    expect(layout.place('scroll', 100, 999)).toBeNull();
    expect(layout.place('scroll', 100, 1000)).toBe(0);
  });

  it('keeps top and bottom lanes apart from scrolling ones and for their display time', () => {
    const layout = new LaneLayout(options);
    expect(layout.place('top', 300, 0)).toBe(0);
    expect(layout.place('scroll', 300, 0)).toBe(0);
    expect(layout.place('top', 300, 100)).toBe(1);
    expect(layout.place('bottom', 300, 100)).toBe(0);
    expect(layout.place('top', 300, 4000)).toBe(0);
  });

  it('computes how long a comment takes to cross the screen', () => {
    expect(new LaneLayout(options).travelMs(200, 1000)).toBe(6000);
  });
});
