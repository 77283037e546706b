/**
 * The link between an LL-HLS stream's program date-times and its stream timestamps. The relay
 * writes each segment's `EXT-X-PROGRAM-DATE-TIME` on the ingest's clock, from the same clock cues
 * as the FLV path's `livestream.clock`, and each fragment's decode time (`tfdt`) in stream time; so
 * one segment's date-time minus its first fragment's decode time is what turns the date-time of the
 * picture on screen into the stream timestamp that danmaku are stamped with.
 */

/** The newest segment's date-time (epoch ms) with its init section and first part or segment URI, or null. */
export interface AnchorSource {
  programDateTime: number;
  mapUri: string;
  mediaUri: string;
}

export function anchorSource(playlist: string): AnchorSource | null {
  const lines = playlist.split('\n').map((l) => l.trim());
  let mapUri: string | null = null;
  let found: AnchorSource | null = null;
  let pending: { programDateTime: number; mapUri: string } | null = null;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-MAP:')) {
      mapUri = attribute(line, 'URI');
    } else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      const at = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
      pending = Number.isFinite(at) && mapUri ? { programDateTime: at, mapUri } : null;
    } else if (pending && line.startsWith('#EXT-X-PART:')) {
      const uri = attribute(line, 'URI');
      if (uri) found = { ...pending, mediaUri: uri };
      pending = null;
    } else if (pending && line.length > 0 && !line.startsWith('#')) {
      found = { ...pending, mediaUri: line };
      pending = null;
    }
  }
  return found;
}

function attribute(line: string, name: string): string | null {
  const match = new RegExp(`[:,]${name}="([^"]*)"`).exec(line);
  return match ? match[1] : null;
}

/** The byte range of the first box `type` inside [start, end), or null. */
function box(view: DataView, start: number, end: number, type: string): { start: number; end: number } | null {
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1 && at + 16 <= end) {
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    }
    if (size < header || at + size > end) return null;
    const name = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5), view.getUint8(at + 6), view.getUint8(at + 7));
    if (name === type) return { start: at + header, end: at + size };
    at += size;
  }
  return null;
}

function path(bytes: ArrayBuffer, types: string[]): { view: DataView; start: number; end: number } | null {
  const view = new DataView(bytes);
  let range: { start: number; end: number } | null = { start: 0, end: bytes.byteLength };
  for (const type of types) {
    range = range && box(view, range.start, range.end, type);
  }
  return range ? { view, ...range } : null;
}

/** The first track's timescale (ISO 14496-12 8.4.2, `mdhd`) of an init section, or null. */
export function firstTrackTimescale(init: ArrayBuffer): number | null {
  const mdhd = path(init, ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd) return null;
  const offset = mdhd.view.getUint8(mdhd.start) === 1 ? 20 : 12; // version 1: 64-bit creation and modification times
  if (mdhd.start + offset + 4 > mdhd.end) return null;
  const timescale = mdhd.view.getUint32(mdhd.start + offset);
  return timescale > 0 ? timescale : null;
}

/** The first track fragment's decode time (ISO 14496-12 8.8.12, `tfdt`) of a fragment, in its timescale, or null. */
export function firstDecodeTime(fragment: ArrayBuffer): number | null {
  const tfdt = path(fragment, ['moof', 'traf', 'tfdt']);
  if (!tfdt) return null;
  const wide = tfdt.view.getUint8(tfdt.start) === 1;
  if (tfdt.start + (wide ? 12 : 8) > tfdt.end) return null;
  return wide ? Number(tfdt.view.getBigUint64(tfdt.start + 4)) : tfdt.view.getUint32(tfdt.start + 4);
}

/**
 * Program date-time minus stream timestamp, ms (so streamTs = date-time − this), read from the
 * playlist at `playlistUrl`; null when the playlist or its media cannot be read.
 */
export async function fetchAnchor(playlistUrl: string, fetchImpl: typeof fetch = fetch): Promise<number | null> {
  try {
    const playlist = await fetchImpl(playlistUrl, { cache: 'no-store' });
    if (!playlist.ok) return null;
    const source = anchorSource(await playlist.text());
    if (!source) return null;
    const [init, media] = await Promise.all([source.mapUri, source.mediaUri].map(async (uri) => {
      const response = await fetchImpl(new URL(uri, playlistUrl).toString());
      return response.ok ? response.arrayBuffer() : null;
    }));
    const timescale = init && firstTrackTimescale(init);
    const decodeTime = media && firstDecodeTime(media);
    if (!timescale || decodeTime === null) return null;
    return source.programDateTime - (decodeTime * 1000) / timescale;
  } catch {
    return null; // the danmaku then show as they come; the picture plays either way
  }
}
