import mpegts from 'mpegts.js';
import type { FlvEvents, FlvPlayerLike } from './live-player';

let loggingRouted = false;

/**
 * mpegts.js logs every reconnect of a live stream as an error; those are expected here (the page
 * shows them as its offline state), so its log goes to console.debug instead of console.error.
 */
function routeLogging(): void {
  if (loggingRouted) return;
  loggingRouted = true;
  mpegts.LoggingControl.applyConfig({ enableAll: false, enableError: false, enableWarn: false, enableInfo: false, enableDebug: false, enableVerbose: false });
  mpegts.LoggingControl.addLogListener((type: string, message: string) => {
    if (type === 'error' || type === 'warn') console.debug(`[mpegts ${type}] ${message}`);
  });
}

/** A WebSocket-FLV player tuned for about a second of delay. */
export function createFlvPlayer(url: string): FlvPlayerLike {
  routeLogging();
  return mpegts.createPlayer(
    { type: 'flv', isLive: true, url },
    {
      isLive: true,
      enableWorker: false, // SCRIPTDATA_ARRIVED on the main thread, in step with the appended media
      enableStashBuffer: false,
      liveBufferLatencyChasing: true,
      liveBufferLatencyMaxLatency: 1.2, // jump forward when more than this is buffered ahead...
      liveBufferLatencyMinRemain: 0.4, // ...down to this much
      liveSync: true, // and before that, play a little faster to catch up smoothly
      liveSyncMaxLatency: 0.9,
      liveSyncTargetLatency: 0.5,
      liveSyncPlaybackRate: 1.1,
      lazyLoad: false,
      autoCleanupSourceBuffer: true,
      autoCleanupMaxBackwardDuration: 30,
      autoCleanupMinBackwardDuration: 10,
    },
  ) as unknown as FlvPlayerLike;
}

export const flvEvents: FlvEvents = mpegts.Events;

export function flvSupported(): boolean {
  return mpegts.isSupported();
}
