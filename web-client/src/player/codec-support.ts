/** What `/api/streams` says of a stream's media: the codec's short name and its RFC 6381 codec string. */
export interface StreamMedia {
  video?: { codec?: string; codecString?: string; profile?: string | null; width?: number; height?: number } | null;
  audio?: { codec?: string; codecString?: string } | null;
}

export type TypeCheck = (mimeType: string) => boolean;

/** Names people know the video codecs by (the API's short names are lower case). */
const VIDEO_NAMES: Record<string, string> = { h264: 'H.264', hevc: 'HEVC (H.265)', av1: 'AV1', vp9: 'VP9', vp8: 'VP8', vvc: 'VVC (H.266)' };

/** The video codec's name as people know it: `H.264` for `h264`; an unknown one as the API names it. */
export function videoCodecName(codec: string): string {
  return VIDEO_NAMES[codec] ?? codec;
}

/** Names of the audio codecs (the API's short names are lower case). */
const AUDIO_NAMES: Record<string, string> = { aac: 'AAC', opus: 'Opus', mp3: 'MP3', flac: 'FLAC', ac3: 'AC-3', eac3: 'E-AC-3' };

export function audioCodecName(codec: string): string {
  return AUDIO_NAMES[codec] ?? codec;
}

/**
 * The browser's check of what Media Source Extensions can take: `ManagedMediaSource` (Safari on
 * iPhone) or `MediaSource`; null when it has neither.
 */
export function browserTypeCheck(scope: Record<string, unknown> = globalThis as unknown as Record<string, unknown>): TypeCheck | null {
  const source = (scope.ManagedMediaSource ?? scope.MediaSource) as { isTypeSupported?: (type: string) => boolean } | undefined;
  return source && typeof source.isTypeSupported === 'function' ? (type) => source.isTypeSupported!(type) : null;
}

/**
 * The name of the stream's video codec when this browser cannot decode it, else null (also when
 * the stream names no codec string yet, or there is no check to ask). mpegts.js hands the browser
 * fragmented MP4, so that is the container asked about.
 */
export function undecodableVideo(media: StreamMedia | undefined, check: TypeCheck | null): string | null {
  const codecString = media?.video?.codecString;
  if (!check || !codecString) return null;
  if (check(`video/mp4; codecs="${codecString}"`)) return null;
  const codec = media?.video?.codec ?? '';
  return VIDEO_NAMES[codec] ?? (codec || codecString);
}
