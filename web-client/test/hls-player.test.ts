import { describe, expect, it } from 'vitest';
import { anchorSource, fetchAnchor, firstDecodeTime, firstTrackTimescale } from '../src/player/hls-anchor';
import { HlsPlayer, hlsEvents } from '../src/player/hls-player';

/** An ISO BMFF box: size, type, payload. */
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  let at = 8;
  for (const p of payload) { out.set(p, at); at += p.length; }
  return out;
}
function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v));
  return out;
}
const buffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

// mdhd version 0: version/flags, creation, modification, timescale, duration
const INIT = new Uint8Array([...box('ftyp', u32s(0x69736f36)), ...box('moov', box('mvhd', u32s(0)), box('trak', box('tkhd', u32s(0)),
  box('mdia', box('mdhd', u32s(0, 0, 0, 90_000, 0)))))]);
// tfdt version 1: 64-bit decode time 900_000 (10 s at 90 kHz)
const PART = new Uint8Array([...box('moof', box('mfhd', u32s(0, 1)), box('traf', box('tfhd', u32s(0, 1)), box('tfdt', u32s(0x01000000, 0, 900_000)))), ...box('mdat')]);

const PLAYLIST = `#EXTM3U
#EXT-X-TARGETDURATION:1
#EXT-X-MAP:URI="s1/init-0.mp4"
#EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:00.000Z
#EXT-X-PART:DURATION=0.50000,URI="s1/part-0.m4s",INDEPENDENT=YES
#EXTINF:1.00000,
s1/seg-0.m4s
#EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:01.000Z
#EXT-X-PART:DURATION=0.50000,URI="s1/part-2.m4s",INDEPENDENT=YES
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="s1/part-3.m4s"
`;

describe('the LL-HLS anchor', () => {
  it('takes the newest date-time with its init section and first part', () => {
    expect(anchorSource(PLAYLIST)).toEqual({ programDateTime: Date.parse('2026-12-06T10:00:01.000Z'), mapUri: 's1/init-0.mp4', mediaUri: 's1/part-2.m4s' });
    expect(anchorSource('#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:00Z\nseg.m4s\n')).toBeNull(); // no init section
    expect(anchorSource('#EXTM3U\n#EXT-X-MAP:URI="i.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:00Z\n#EXTINF:1,\nseg.m4s\n'))
      .toEqual({ programDateTime: Date.parse('2026-12-06T10:00:00Z'), mapUri: 'i.mp4', mediaUri: 'seg.m4s' });
  });

  it('reads the first track timescale and the first decode time', () => {
    expect(firstTrackTimescale(buffer(INIT))).toBe(90_000);
    expect(firstDecodeTime(buffer(PART))).toBe(900_000);
    expect(firstDecodeTime(buffer(box('moof', box('traf', box('tfdt', u32s(0, 4500))))))).toBe(4500); // version 0
    expect(firstDecodeTime(buffer(INIT))).toBeNull();
    expect(firstTrackTimescale(buffer(PART))).toBeNull();
    expect(firstDecodeTime(buffer(new Uint8Array([0, 0, 0, 99, 0x6d, 0x6f, 0x6f, 0x66])))).toBeNull(); // a box longer than the bytes
  });

  it('is the date-time minus the stream time, from URLs relative to the playlist', async () => {
    const asked: string[] = [];
    const fake = (async (url: string) => {
      asked.push(url);
      const body = url.endsWith('.m3u8') ? PLAYLIST : url.endsWith('init-0.mp4') ? INIT : PART;
      return new Response(typeof body === 'string' ? body : buffer(body));
    }) as unknown as typeof fetch;
    const anchor = await fetchAnchor('http://h/live/x.m3u8', fake);
    expect(anchor).toBe(Date.parse('2026-12-06T10:00:01.000Z') - 10_000);
    expect(asked).toEqual(['http://h/live/x.m3u8', 'http://h/live/s1/init-0.mp4', 'http://h/live/s1/part-2.m4s']);
    expect(await fetchAnchor('http://h/live/x.m3u8', (async () => new Response('', { status: 404 })) as unknown as typeof fetch)).toBeNull();
  });
});

/** A video element double: currentTime, getStartDate, listeners. */
function fakeVideo(startDate: number) {
  const listeners: Record<string, (() => void)[]> = {};
  return {
    src: '', currentTime: 0,
    getStartDate: () => new Date(startDate),
    addEventListener: (name: string, l: () => void) => { (listeners[name] ??= []).push(l); },
    removeEventListener: () => undefined, removeAttribute: () => undefined, load: () => undefined,
    play: () => Promise.resolve(),
    fire: (name: string) => (listeners[name] ?? []).forEach((l) => l()),
  };
}

describe('HlsPlayer (native HLS)', () => {
  it('sets the playlist as the source and clocks the picture by its program date-time', async () => {
    const video = fakeVideo(Date.parse('2026-12-06T10:00:00Z'));
    const player = new HlsPlayer('http://h/live/x.m3u8', false, () => Promise.reject(new Error('not on this path')), async () => 1_000_000);
    player.attachMediaElement(video as unknown as HTMLMediaElement);
    player.load();
    expect(video.src).toBe('http://h/live/x.m3u8');
    await Promise.resolve();
    video.currentTime = 2.5;
    expect(player.clock(2.5)).toEqual({ position: 2.5, serverTime: Date.parse('2026-12-06T10:00:02.500Z'), streamTs: Date.parse('2026-12-06T10:00:02.500Z') - 1_000_000 });
  });

  it('has no clock without a date-time or an anchor, and asks for the anchor again after a while', async () => {
    let now = 0;
    let asked = 0;
    const video = fakeVideo(Number.NaN);
    const player = new HlsPlayer('u', false, undefined, async () => { asked++; return null; }, () => now);
    player.attachMediaElement(video as unknown as HTMLMediaElement);
    player.load();
    await Promise.resolve();
    expect(player.clock(1)).toBeNull();
    expect(asked).toBe(1);
    now = 3000;
    player.clock(1);
    expect(asked).toBe(2);
  });

  it('reports an element error and the end of the stream under LivePlayer names', () => {
    const video = fakeVideo(0);
    const player = new HlsPlayer('u', false, undefined, async () => null);
    const seen: string[] = [];
    player.on(hlsEvents.ERROR, () => seen.push('error'));
    player.on(hlsEvents.LOADING_COMPLETE, () => seen.push('ended'));
    player.attachMediaElement(video as unknown as HTMLMediaElement);
    video.fire('error');
    video.fire('ended');
    expect(seen).toEqual(['error', 'ended']);
  });
});
