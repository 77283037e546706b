import { describe, expect, it, vi } from 'vitest';
import { RoomClient, type SocketLike } from '../src/room/client';
import type { RoomEvent } from '../src/room/protocol';

class FakeSocket implements SocketLike {
  sent: string[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) { this.sent.push(data); }
  close() {}
  receive(message: unknown) { this.onmessage?.({ data: JSON.stringify(message) }); }
  drop(code = 1006, reason = '') { this.onclose?.({ code, reason }); }
}

const hello = (seq: number, history: RoomEvent[] = []) => ({
  type: 'hello', room: 'r', seq, viewers: 1, likes: 0, leaderboard: [], gifts: [], resumed: false, history,
  you: { id: 'u', nick: 'U', role: 'viewer', stream: null },
});
const danmaku = (seq: number): RoomEvent => ({
  type: 'danmaku', seq, ts: 0, id: `m${seq}`, user: { id: 'a', nick: 'A' }, text: `t${seq}`, color: '#ffffff', mode: 'scroll', streamTs: 0,
});

describe('RoomClient', () => {
  it('hands on history then batches, once each, in order', () => {
    const sockets: FakeSocket[] = [];
    const seen: number[] = [];
    const client = new RoomClient((last) => `ws://x/ws/room/r?lastSeq=${last}`, (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      { event: (e) => { if (e.type !== 'stats') seen.push(e.seq); } });
    client.connect();
    sockets[0].receive(hello(2, [danmaku(1), danmaku(2)]));
    sockets[0].receive({ type: 'batch', events: [danmaku(2), danmaku(3), { type: 'stats', seq: 3, likes: 9, viewers: 2, leaderboard: [] }] });
    expect(seen).toEqual([1, 2, 3]);
    expect(client.seq).toBe(3);
  });

  it('reconnects with backoff and resumes from the last sequence it saw', () => {
    vi.useFakeTimers();
    const sockets: FakeSocket[] = [];
    const closes: (number | null)[] = [];
    const client = new RoomClient((last) => `ws://x/ws/room/r?lastSeq=${last}`, (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      { closed: (_c, _r, retry) => closes.push(retry) }, (n) => 100 * 2 ** n);
    client.connect();
    sockets[0].receive(hello(7));
    sockets[0].drop();
    expect(closes).toEqual([100]);
    vi.advanceTimersByTime(100);
    expect(sockets[1].url).toBe('ws://x/ws/room/r?lastSeq=7');
    sockets[1].drop();
    expect(closes).toEqual([100, 200]);
    vi.useRealTimers();
  });

  it('does not come back after a ban', () => {
    const sockets: FakeSocket[] = [];
    const closes: (number | null)[] = [];
    const client = new RoomClient(() => 'ws://x', (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      { closed: (_c, _r, retry) => closes.push(retry) });
    client.connect();
    sockets[0].drop(4403, 'banned');
    expect(closes).toEqual([null]);
    expect(sockets).toHaveLength(1);
  });

  it('passes server errors on', () => {
    const errors: string[] = [];
    let socket: FakeSocket | undefined;
    const client = new RoomClient(() => 'ws://x', (url) => (socket = new FakeSocket(url)), { error: (e) => errors.push(e.code) });
    client.connect();
    socket!.receive({ type: 'error', code: 'rate-limited', message: 'slow down' });
    client.send({ type: 'like', count: 3 });
    expect(errors).toEqual(['rate-limited']);
    expect(JSON.parse(socket!.sent[0])).toEqual({ type: 'like', count: 3 });
  });
});

describe('RoomClient (page additions)', () => {
  it('marks history events and passes pongs on', () => {
    let socket: FakeSocket | undefined;
    const seen: [number, boolean][] = [];
    const pongs: number[] = [];
    const client = new RoomClient(() => 'ws://x', (url) => (socket = new FakeSocket(url)),
      { event: (e, fromHistory) => { if (e.type !== 'stats') seen.push([e.seq, fromHistory]); }, pong: (ts) => pongs.push(ts) });
    client.connect();
    socket!.receive(hello(1, [danmaku(1)]));
    socket!.receive({ type: 'batch', events: [danmaku(2)] });
    socket!.receive({ type: 'pong', ts: 123 });
    expect(seen).toEqual([[1, true], [2, false]]);
    expect(pongs).toEqual([123]);
  });

  it('reconnects at once with a fresh URL and ignores the old socket', () => {
    const sockets: FakeSocket[] = [];
    let token = '';
    const closes: (number | null)[] = [];
    const client = new RoomClient((last) => `ws://x?token=${token}&lastSeq=${last}`, (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      { closed: (_c, _r, retry) => closes.push(retry) });
    client.connect();
    sockets[0].receive(hello(4));
    token = 't';
    client.reconnect();
    expect(sockets[1].url).toBe('ws://x?token=t&lastSeq=4');
    sockets[0].drop(1000, 'reconnect');
    expect(closes).toEqual([]);
    expect(sockets).toHaveLength(2);
  });

  it('does not retry a refused token (4401)', () => {
    const sockets: FakeSocket[] = [];
    const closes: (number | null)[] = [];
    const client = new RoomClient(() => 'ws://x', (url) => { const s = new FakeSocket(url); sockets.push(s); return s; },
      { closed: (_c, _r, retry) => closes.push(retry) });
    client.connect();
    sockets[0].drop(4401, '');
    expect(closes).toEqual([null]);
  });
});
