/**
 * Which player the watch page uses:
 * - `flv`: Media Source Extensions (`MediaSource`): mpegts.js over WebSocket-FLV;
 * - `flv-managed`: only `ManagedMediaSource` (Safari on iOS 17.1+): mpegts.js too, which takes it only
 *   when the video has `disableRemotePlayback`;
 * - `hls-native`: neither, but the video element plays HLS itself (older iPhones, in-app browsers):
 *   `<video src=".../live/<stream>.m3u8">`, LL-HLS;
 * - `hls-js`: HLS forced (`?player=hls`) where the element cannot play it, or plays it without program
 *   date-times (newer desktop Chromium has HLS of its own but no `getStartDate()`, so no delay and no
 *   danmaku sync), and MSE exists: hls.js in low-latency mode, standing in for Safari's native HLS;
 * - `none`: nothing here can play the stream.
 */
export type PlayerKind = 'flv' | 'flv-managed' | 'hls-native' | 'hls-js' | 'none';

type Scope = Record<string, unknown>;

function hasMse(scope: Scope, name: 'MediaSource' | 'ManagedMediaSource'): boolean {
  const source = scope[name] as { isTypeSupported?: unknown } | undefined;
  return !!source && typeof source.isTypeSupported === 'function';
}

/**
 * @param scope the page's globals (`globalThis`)
 * @param search the page's query string (`location.search`): `?player=hls` forces HLS
 * @param nativeHls what the video element does with HLS itself (see videoHls)
 */
export function choosePlayer(scope: Scope, search: string, nativeHls: NativeHls): PlayerKind {
  const mse = hasMse(scope, 'MediaSource');
  const managed = hasMse(scope, 'ManagedMediaSource');
  if (new URLSearchParams(search).get('player') === 'hls') {
    if (nativeHls.plays && nativeHls.dates) return 'hls-native';
    return mse || managed ? 'hls-js' : nativeHls.plays ? 'hls-native' : 'none';
  }
  if (mse) return 'flv';
  if (managed) return 'flv-managed';
  return nativeHls.plays ? 'hls-native' : 'none';
}

/** Whether `kind` plays the LL-HLS playlist rather than WebSocket-FLV. */
export function isHls(kind: PlayerKind): boolean {
  return kind === 'hls-native' || kind === 'hls-js';
}

/** Whether the element plays HLS itself, and whether it tells the program date-time (`getStartDate()`, Safari). */
export interface NativeHls {
  plays: boolean;
  dates: boolean;
}

export function videoHls(video: Pick<HTMLVideoElement, 'canPlayType'>): NativeHls {
  return { plays: video.canPlayType('application/vnd.apple.mpegurl') !== '', dates: typeof (video as { getStartDate?: unknown }).getStartDate === 'function' };
}
