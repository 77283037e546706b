/** Same-origin URLs: the gateway serves the pages, the API and the sockets on one origin. */
export function wsBase(loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}`;
}

export function flvUrl(stream: string, loc?: { protocol: string; host: string }): string {
  return `${wsBase(loc)}/live/${encodeURIComponent(stream)}.flv`;
}

export function roomUrl(stream: string, token: string | null, lastSeq: number, loc?: { protocol: string; host: string }): string {
  const params = new URLSearchParams();
  if (token) params.set('token', token);
  if (lastSeq > 0) params.set('lastSeq', String(lastSeq));
  const query = params.toString();
  return `${wsBase(loc)}/ws/room/${encodeURIComponent(stream)}${query ? `?${query}` : ''}`;
}

export const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The stream name of a `/watch/<stream>` path, or null. */
export function streamFromPath(pathname: string): string | null {
  const match = /^\/watch\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  let name: string;
  try {
    name = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return STREAM_NAME.test(name) ? name : null;
}

/** The stream's LL-HLS playlist on this page's origin. */
export function hlsUrl(stream: string, loc: { protocol: string; host: string } = location): string {
  return `${loc.protocol}//${loc.host}/live/${encodeURIComponent(stream)}.m3u8`;
}
