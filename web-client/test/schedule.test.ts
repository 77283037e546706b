import { describe, expect, it } from 'vitest';
import { StreamTsSchedule } from '../src/danmaku/schedule';

describe('StreamTsSchedule', () => {
  it('holds a comment until playback reaches the moment its sender saw', () => {
    const s = new StreamTsSchedule<{ streamTs: number; seq: number; text: string }>();
    s.add({ streamTs: 10_000, seq: 1, text: 'goal!' });
    expect(s.due(9_000)).toEqual([]);
    expect(s.due(10_000).map((c) => c.text)).toEqual(['goal!']);
    expect(s.size).toBe(0);
  });

  it('orders by stream time, then by arrival', () => {
    const s = new StreamTsSchedule<{ streamTs: number; seq: number }>();
    s.add({ streamTs: 3000, seq: 3 });
    s.add({ streamTs: 1000, seq: 5 });
    s.add({ streamTs: 1000, seq: 4 });
    expect(s.due(5000).map((c) => c.seq)).toEqual([4, 5, 3]);
  });

  it('drops comments whose moment is long past for this viewer', () => {
    const s = new StreamTsSchedule<{ streamTs: number; seq: number }>(5000);
    s.add({ streamTs: 1000, seq: 1 });
    s.add({ streamTs: 9000, seq: 2 });
    expect(s.due(10_000).map((c) => c.seq)).toEqual([2]);
  });
});
