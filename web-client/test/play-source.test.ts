import { afterEach, describe, expect, it, vi } from 'vitest';
import { askGateway, PlaySource, type PlayAnswer } from '../src/player/play-source';
import { LivePlayer, type FlvPlayerLike } from '../src/player/live-player';

const GATEWAY = 'ws://gw.example/live/s.flv';
const RELAY = 'ws://relay-1.example/live/s.flv';

function source(answers: (PlayAnswer | Error)[], token?: string) {
  const asked: number[] = [];
  const ask = () => {
    asked.push(asked.length);
    const next = answers.length > 1 ? answers.shift()! : answers[0];
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { playSource: new PlaySource({ gatewayUrl: GATEWAY, ask, token }), asked };
}

describe('PlaySource', () => {
  it('plays from the relay the gateway names', async () => {
    const { playSource } = source([{ ws: RELAY, direct: true }]);
    expect(await playSource.next()).toBe(RELAY);
    expect(playSource.last).toEqual({ url: RELAY, direct: true });
  });

  it('plays through the gateway when the answer names no relay or the API fails', async () => {
    expect(await source([{ ws: GATEWAY, direct: false }]).playSource.next()).toBe(GATEWAY);
    expect(await source([new Error('HTTP 503')]).playSource.next()).toBe(GATEWAY);
  });

  it('passes a play token on to wherever it connects', async () => {
    const { playSource } = source([{ ws: RELAY, direct: true }, new Error('down')], 'a b');
    expect(await playSource.next()).toBe(`${RELAY}?token=a%20b`);
    expect(await playSource.next()).toBe(`${GATEWAY}?token=a%20b`);
  });

  it('falls back to the gateway once after a relay that never played, then asks again', async () => {
    const { playSource, asked } = source([{ ws: RELAY, direct: true }]);
    expect(await playSource.next()).toBe(RELAY);
    playSource.ended(false);
    expect(await playSource.next()).toBe(GATEWAY);
    expect(asked).toHaveLength(1); // the fallback does not ask
    playSource.ended(false);
    expect(await playSource.next()).toBe(RELAY);
    playSource.ended(true); // it played, then the stream ended: the relay again
    expect(await playSource.next()).toBe(RELAY);
  });

  it('asks /api/play of the page\'s own origin', async () => {
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ ws: RELAY, direct: true }), { status: 200 }));
    expect(await askGateway('my stream', fetchImpl as unknown as typeof fetch)()).toEqual({ ws: RELAY, direct: true });
    expect(fetchImpl).toHaveBeenCalledWith('/api/play/my%20stream', { cache: 'no-store' });
    const refused = vi.fn(async () => new Response('', { status: 404 }));
    await expect(askGateway('s', refused as unknown as typeof fetch)()).rejects.toThrow('HTTP 404');
  });
});

class FakePlayer implements FlvPlayerLike {
  listeners = new Map<string, ((...a: any[]) => void)[]>();
  constructor(readonly url: string) {}
  on(event: string, fn: (...a: any[]) => void) { this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]); }
  emit(event: string) { (this.listeners.get(event) ?? []).forEach((fn) => fn()); }
  attachMediaElement() {}
  load() {}
  play() { return Promise.resolve(); }
  unload() {}
  detachMediaElement() {}
  destroy() {}
}

describe('LivePlayer with a PlaySource', () => {
  afterEach(() => { vi.useRealTimers(); });
  const events = { ERROR: 'error', LOADING_COMPLETE: 'complete', SCRIPTDATA_ARRIVED: 'script' };

  it('connects where the source says, and after a relay that failed before playing, through the gateway', async () => {
    vi.useFakeTimers();
    const players: FakePlayer[] = [];
    const video = { currentTime: 0, paused: false, muted: false, buffered: { length: 0 } as unknown as TimeRanges, play: () => Promise.resolve() };
    const { playSource } = source([{ ws: RELAY, direct: true }]);
    const player = new LivePlayer({ url: playSource, video, events, createPlayer: (url) => { const p = new FakePlayer(url); players.push(p); return p; } });
    player.start();
    await vi.waitFor(() => expect(players).toHaveLength(1));
    expect(players[0].url).toBe(RELAY);
    players[0].emit('error'); // the relay's address cannot be reached from this network
    await vi.advanceTimersByTimeAsync(500);
    expect(players).toHaveLength(2);
    expect(players[1].url).toBe(GATEWAY);
    player.stop();
  });

  it('drops a URL that arrives after it was stopped', async () => {
    let resolve: (answer: PlayAnswer) => void = () => {};
    const playSource = new PlaySource({ gatewayUrl: GATEWAY, ask: () => new Promise((r) => { resolve = r; }) });
    const created: string[] = [];
    const video = { currentTime: 0, paused: false, muted: false, buffered: { length: 0 } as unknown as TimeRanges, play: () => Promise.resolve() };
    const player = new LivePlayer({ url: playSource, video, events, createPlayer: (url) => { created.push(url); return new FakePlayer(url); } });
    player.start();
    player.stop();
    resolve({ ws: RELAY, direct: true });
    await Promise.resolve();
    await Promise.resolve();
    expect(created).toEqual([]);
  });
});
