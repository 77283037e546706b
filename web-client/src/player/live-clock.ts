import { t } from '../i18n';

/**
 * Maps the media element's timeline to the stream's and to the server's wall clock, from the
 * `livestream.clock` cue that follows every keyframe: the cue says the keyframe has stream
 * timestamp `time` (s) and reached the server at `serverTime` (epoch ms); the keyframe sits at
 * media position P, the end of what was buffered when the cue arrived.
 */
export interface ClockCue {
  /** Media position of the keyframe, s (video.currentTime scale). */
  position: number;
  /** Stream timestamp of the keyframe, ms. */
  streamTs: number;
  /** Server epoch ms at which the keyframe was received. */
  serverTime: number;
}

/** Reads a `livestream.clock` cue out of mpegts.js' SCRIPTDATA_ARRIVED payload, or null for anything else. */
export function parseClockCue(data: unknown): { streamTs: number; serverTime: number } | null {
  const cue = (data as { onCuePoint?: unknown } | null)?.onCuePoint as
    { name?: unknown; time?: unknown; parameters?: { serverTime?: unknown } } | undefined;
  if (!cue || cue.name !== 'livestream.clock') {
    return null;
  }
  const time = Number(cue.time);
  const serverTime = Number(cue.parameters?.serverTime);
  if (!Number.isFinite(time) || !Number.isFinite(serverTime)) {
    return null;
  }
  return { streamTs: time * 1000, serverTime };
}

/** How far behind the server's "now" the frame at `currentTime` is, ms. */
export function liveDelayMs(cue: ClockCue, currentTime: number, serverNow: number): number {
  return serverNow - (cue.serverTime + (currentTime - cue.position) * 1000);
}

/** The stream timestamp (ms) being shown at `currentTime`. */
export function streamTsAt(cue: ClockCue, currentTime: number): number {
  return cue.streamTs + (currentTime - cue.position) * 1000;
}

/** The media position (s) at which stream timestamp `streamTs` (ms) plays. */
export function positionOf(cue: ClockCue, streamTs: number): number {
  return cue.position + (streamTs - cue.streamTs) / 1000;
}

/** "1.2 s behind live" */
export function formatDelay(delayMs: number | null): string {
  if (delayMs === null) {
    return t('player.measuring');
  }
  const seconds = Math.max(0, delayMs) / 1000;
  return t('player.behindLive', { seconds: seconds.toFixed(1) });
}
