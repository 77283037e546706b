import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../src/util/backoff';
import { ClockOffset, clockSample } from '../src/player/clock-offset';
import { formatDelay, liveDelayMs, parseClockCue, positionOf, streamTsAt } from '../src/player/live-clock';
import { LivePlayer, type FlvPlayerLike } from '../src/player/live-player';

describe('backoffDelay', () => {
  it('doubles from 0.5 s up to 5 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n))).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });
});

describe('ClockOffset', () => {
  it('takes the midpoint of the round trip', () => {
    expect(clockSample(1000, 5100, 1200)).toEqual({ offsetMs: 4000, rttMs: 200 });
  });

  it('keeps the sample with the smallest round trip', () => {
    const clock = new ClockOffset();
    expect(clock.offsetMs).toBeNull();
    clock.pingSent(0);
    clock.pongReceived(10_300, 400); // rtt 400, offset 10_100
    clock.pingSent(1000);
    clock.pongReceived(11_040, 1080); // rtt 80, offset 10_000
    clock.pingSent(2000);
    clock.pongReceived(12_500, 2600); // rtt 600
    expect(clock.offsetMs).toBe(10_000);
  });

  it('sends one ping at a time and ignores pongs it did not ask for', () => {
    const clock = new ClockOffset();
    expect(clock.pingSent(0)).toBe(true);
    expect(clock.pingSent(100)).toBe(false);
    expect(clock.pingSent(6000)).toBe(true); // the first one is given up
    clock.reset();
    clock.pongReceived(5, 6100);
    expect(clock.offsetMs).toBeNull();
  });

  it('forgets samples outside its window', () => {
    const clock = new ClockOffset(2);
    clock.add({ offsetMs: 1, rttMs: 1 });
    clock.add({ offsetMs: 2, rttMs: 50 });
    clock.add({ offsetMs: 3, rttMs: 60 });
    expect(clock.offsetMs).toBe(2);
  });
});

describe('live clock', () => {
  const cue = { position: 10, streamTs: 65_000, serverTime: 1_000_000 };

  it('reads the livestream.clock cue and nothing else', () => {
    expect(parseClockCue({ onCuePoint: { name: 'livestream.clock', time: 65, type: 'event', parameters: { serverTime: 1_000_000 } } }))
      .toEqual({ streamTs: 65_000, serverTime: 1_000_000 });
    expect(parseClockCue({ onCuePoint: { name: 'other', time: 1, parameters: { serverTime: 1 } } })).toBeNull();
    expect(parseClockCue({ onMetaData: {} })).toBeNull();
    expect(parseClockCue(null)).toBeNull();
  });

  it('measures the delay from the cue, the playback position and the server clock', () => {
    // the keyframe reached the server at 1_000_000; we show it 0.5 s later than its position, at server time 1_001_700
    expect(liveDelayMs(cue, 10.5, 1_001_700)).toBe(1200);
    expect(formatDelay(1200)).toBe('1.2 s behind live');
    expect(formatDelay(null)).toBe('measuring delay…');
  });

  it('maps stream timestamps to playback positions and back', () => {
    expect(streamTsAt(cue, 11.25)).toBe(66_250);
    expect(positionOf(cue, 66_250)).toBe(11.25);
  });
});

class FakePlayer implements FlvPlayerLike {
  listeners = new Map<string, ((...a: any[]) => void)[]>();
  destroyed = false;
  on(event: string, fn: (...a: any[]) => void) { this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]); }
  emit(event: string, ...args: unknown[]) { (this.listeners.get(event) ?? []).forEach((fn) => fn(...args)); }
  attachMediaElement() {}
  load() {}
  play() { return Promise.resolve(); }
  unload() {}
  detachMediaElement() {}
  destroy() { this.destroyed = true; }
}

describe('LivePlayer', () => {
  afterEach(() => { vi.useRealTimers(); });
  const events = { ERROR: 'error', LOADING_COMPLETE: 'complete', SCRIPTDATA_ARRIVED: 'script' };

  function setup() {
    vi.useFakeTimers();
    const players: FakePlayer[] = [];
    const video = { currentTime: 0, paused: false, muted: false, buffered: { length: 1, start: () => 0, end: () => 4 } as unknown as TimeRanges, play: () => Promise.resolve() };
    let now = 0;
    const player = new LivePlayer({
      url: 'ws://x/live/s.flv', video, events, now: () => now,
      createPlayer: () => { const p = new FakePlayer(); players.push(p); return p; },
    });
    return { player, players, video, advance: (ms: number) => { now += ms; vi.advanceTimersByTime(ms); } };
  }

  it('is playing once the video advances, offline when the socket closes, and reconnects with backoff', () => {
    const { player, players, video, advance } = setup();
    player.start();
    expect(player.state).toBe('connecting');
    video.currentTime = 0.5;
    player.tick();
    expect(player.state).toBe('playing');

    players[0].emit('complete');
    expect(player.state).toBe('offline');
    expect(players[0].destroyed).toBe(true);
    advance(499);
    expect(players).toHaveLength(1);
    advance(1);
    expect(players).toHaveLength(2);
    expect(player.reconnects).toBe(1);
    expect(player.state).toBe('offline'); // until data flows again

    players[1].emit('error');
    advance(1000);
    expect(players).toHaveLength(3); // 0.5 s, then 1 s
    video.currentTime = 0;
    player.tick();
    video.currentTime = 0.3;
    player.tick();
    expect(player.state).toBe('playing');

    players[2].emit('complete');
    advance(500); // playing again reset the backoff
    expect(players).toHaveLength(4);
    player.stop();
  });

  it('takes the clock of a player that knows it (HLS) at every tick', () => {
    const { player, players, video } = setup();
    player.start();
    let clock: { position: number; streamTs: number; serverTime: number } | null = null;
    Object.assign(players[0], { clock: (t: number) => clock && { ...clock, position: t } });
    player.tick();
    expect(player.cue).toBeNull();
    clock = { position: 0, streamTs: 5000, serverTime: 1_700_000_005_000 };
    video.currentTime = 1.5;
    player.tick();
    expect(player.cue).toEqual({ position: 1.5, streamTs: 5000, serverTime: 1_700_000_005_000 });
    player.stop();
  });

  it('retries at once when the stream is said to be back', () => {
    const { player, players } = setup();
    player.start();
    players[0].emit('complete');
    player.retryNow();
    expect(players).toHaveLength(2);
    player.stop();
  });

  it('makes no connection when told the stream is back before it was started or after it was stopped', () => {
    const { player, players } = setup();
    player.retryNow(); // a page that decided not to play (a codec this browser cannot decode)
    expect(players).toHaveLength(0);
    player.start();
    player.stop();
    player.retryNow();
    expect(players).toHaveLength(1);
  });

  it('ignores events of a player it already replaced', () => {
    const { player, players, advance } = setup();
    player.start();
    players[0].emit('complete');
    advance(500);
    players[0].emit('error');
    expect(players).toHaveLength(2);
    advance(5000);
    expect(players).toHaveLength(2);
    player.stop();
  });

  it('records the clock cue at the end of the buffer', () => {
    const { player, players } = setup();
    player.start();
    players[0].emit('script', { onCuePoint: { name: 'livestream.clock', time: 12, type: 'event', parameters: { serverTime: 777 } } });
    expect(player.cue).toEqual({ position: 4, streamTs: 12_000, serverTime: 777 });
    player.stop();
  });

  it('reconnects when connected but nothing plays for too long', () => {
    const { player, players, advance } = setup();
    player.start();
    advance(16_000);
    player.tick();
    expect(player.state).toBe('offline');
    advance(500);
    expect(players).toHaveLength(2);
    player.stop();
  });
});
