import { afterEach, describe, expect, it, vi } from 'vitest';
import { LikeBatcher } from '../src/room/likes';
import { isTokenFresh, jwtExpiry, loadToken, TOKEN_KEY } from '../src/room/session';
import { dueNow } from '../src/danmaku/overlay';
import { flvUrl, roomUrl, streamFromPath } from '../src/util/urls';
import { formatResolution, formatUptime } from '../src/ui/format';
import { explainStudioError, ffmpegCommand } from '../src/ui/studio-help';

describe('LikeBatcher', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('sends a burst of clicks as one like, then at most one per interval', () => {
    vi.useFakeTimers();
    let now = 0;
    const sent: number[] = [];
    const likes = new LikeBatcher((n) => sent.push(n), 500, 100, () => now);
    likes.click(); likes.click(); likes.click();
    vi.advanceTimersByTime(0);
    expect(sent).toEqual([3]);
    likes.click(); likes.click();
    now += 200; vi.advanceTimersByTime(200);
    expect(sent).toEqual([3]);
    now += 300; vi.advanceTimersByTime(300);
    expect(sent).toEqual([3, 2]);
  });

  it('caps a like at 100 and sends the rest later', () => {
    vi.useFakeTimers();
    let now = 0;
    const sent: number[] = [];
    const likes = new LikeBatcher((n) => sent.push(n), 500, 100, () => now);
    likes.click(250);
    vi.advanceTimersByTime(0);
    now += 500; vi.advanceTimersByTime(500);
    now += 500; vi.advanceTimersByTime(500);
    expect(sent).toEqual([100, 100, 50]);
    expect(likes.unsent).toBe(0);
  });
});

function jwt(payload: object): string {
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256' })}.${b64(payload)}.sig`;
}

describe('session token', () => {
  it('reads the expiry of a JWT', () => {
    expect(jwtExpiry(jwt({ exp: 1234 }))).toBe(1234);
    expect(jwtExpiry('nonsense')).toBeNull();
  });

  it('drops an expired token from storage', () => {
    const data = new Map<string, string>([[TOKEN_KEY, jwt({ exp: 100 })]]);
    const store = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => data.set(k, v), removeItem: (k: string) => data.delete(k) };
    expect(loadToken(store, 200_000)).toBeNull();
    expect(data.has(TOKEN_KEY)).toBe(false);
    data.set(TOKEN_KEY, jwt({ exp: 1000 }));
    expect(loadToken(store, 200_000)).not.toBeNull();
    expect(isTokenFresh(jwt({ exp: 1000 }), 990_000)).toBe(false); // within the margin
  });
});

describe('danmaku timing', () => {
  it('shows a comment at once without a mapping, without a sender timestamp, or when already past', () => {
    expect(dueNow(5000, null)).toBe(true);
    expect(dueNow(0, 9000)).toBe(true);
    expect(dueNow(5000, 9000)).toBe(true);
    expect(dueNow(9500, 9000)).toBe(false);
    expect(dueNow(90_000, 9000)).toBe(true); // another timeline (a restarted stream)
  });
});

describe('urls and formats', () => {
  const loc = { protocol: 'https:', host: 'live.example:8443' };
  it('builds same-origin socket URLs', () => {
    expect(flvUrl('demo', loc)).toBe('wss://live.example:8443/live/demo.flv');
    expect(roomUrl('demo', 'abc', 7, loc)).toBe('wss://live.example:8443/ws/room/demo?token=abc&lastSeq=7');
    expect(roomUrl('demo', null, 0, { protocol: 'http:', host: 'h' })).toBe('ws://h/ws/room/demo');
  });

  it('reads the stream from /watch/<stream>', () => {
    expect(streamFromPath('/watch/demo')).toBe('demo');
    expect(streamFromPath('/watch/a_b-1/')).toBe('a_b-1');
    expect(streamFromPath('/watch/bad%20name')).toBeNull();
    expect(streamFromPath('/studio')).toBeNull();
  });

  it('formats uptime and resolution', () => {
    expect(formatUptime(65)).toBe('1:05');
    expect(formatUptime(3725)).toBe('1:02:05');
    expect(formatResolution({ width: 1280, height: 720, fps: 30 })).toBe('720p');
    expect(formatResolution({ width: 1920, height: 1080, fps: 60 })).toBe('1080p60');
  });

  it('explains studio refusals', () => {
    expect(explainStudioError(403, 'loopback-only', 'only from this machine')).toContain('paste a streamer or admin token');
    expect(ffmpegCommand('rtmp://h:1935/live/s?token=t')).toContain('-f flv "rtmp://h:1935/live/s?token=t"');
  });
});
