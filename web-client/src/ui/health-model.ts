import { audioCodecName, type StreamMedia, videoCodecName } from '../player/codec-support';

/**
 * The studio's view of `GET /api/streams/<stream>/health`: the answer's shape, the chart series
 * built from its samples, and the state the panel shows. Pure, so vitest checks it without a page.
 */

export interface HealthSample {
  t: number;
  kbps: number;
  fps: number;
  keyframeInterval: number | null;
  viewers: number | null;
  messagesPerSecond: number | null;
}

export interface StreamHealth {
  stream: string;
  live: boolean;
  stopped: boolean;
  stoppedAt?: number;
  lastMediaAt: number;
  keyframeInterval: number | null;
  keyframeIntervalHigh: boolean;
  keyframeIntervalIrregular: boolean;
  samples: HealthSample[];
}

/** What the panel says: no answer yet / the stream unknown, media arriving, or the encoder silent or gone. */
export type HealthState = 'waiting' | 'receiving' | 'stopped';

export type ChartName = 'bitrate' | 'fps' | 'viewers' | 'messages';
export const CHARTS: readonly ChartName[] = ['bitrate', 'fps', 'viewers', 'messages'];

/** The charts' series: x in seconds (uPlot's time axis), one y array per chart, `null` where unknown. */
export interface HealthSeries {
  x: number[];
  y: Record<ChartName, (number | null)[]>;
}

export function healthState(health: StreamHealth | null): HealthState {
  if (!health) return 'waiting';
  return health.stopped ? 'stopped' : 'receiving';
}

export function toSeries(samples: readonly HealthSample[]): HealthSeries {
  return {
    x: samples.map((s) => s.t / 1000),
    y: {
      bitrate: samples.map((s) => s.kbps),
      fps: samples.map((s) => s.fps),
      viewers: samples.map((s) => s.viewers ?? null),
      messages: samples.map((s) => s.messagesPerSecond ?? null),
    },
  };
}

/** The catalog keys of the keyframe warnings to show (none when the interval is fine). */
export function keyframeWarnings(health: StreamHealth | null): string[] {
  if (!health) return [];
  const out: string[] = [];
  if (health.keyframeIntervalHigh) out.push('health.keyframeHigh');
  if (health.keyframeIntervalIrregular) out.push('health.keyframeIrregular');
  return out;
}

/** The latest known value of a series, for the figure beside a chart's title. */
export function latest(values: readonly (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * What the encoder sends, as the studio shows it beside the charts: the video codec with its profile
 * and picture size, the audio codec; null parts where `/api/streams` does not know them (yet).
 */
export interface MediaSummary {
  video: string | null;
  size: { width: number; height: number } | null;
  audio: string | null;
}

export function mediaSummary(media: StreamMedia | undefined): MediaSummary {
  const video = media?.video?.codec ? videoCodecName(media.video.codec) + (media.video.profile ? ` ${media.video.profile}` : '') : null;
  const width = media?.video?.width ?? 0;
  const height = media?.video?.height ?? 0;
  return {
    video,
    size: width > 0 && height > 0 ? { width, height } : null,
    audio: media?.audio?.codec ? audioCodecName(media.audio.codec) : null,
  };
}
