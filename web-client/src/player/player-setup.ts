import { isHls, type PlayerKind } from './choice';
import { HlsPlayer, hlsEvents } from './hls-player';
import type { LivePlayerOptions } from './live-player';
import { createFlvPlayer, flvEvents, flvSupported } from './mpegts-factory';
import type { PlaySource } from './play-source';

/**
 * What LivePlayer is given for the chosen player: WebSocket-FLV through mpegts.js from where the
 * gateway says (PlaySource), or the LL-HLS playlist on this origin (`hlsUrl`, with the play token).
 */
export function playerParts(kind: PlayerKind, playSource: PlaySource, hlsUrl: string, token?: string):
    Pick<LivePlayerOptions, 'url' | 'createPlayer' | 'events'> {
  if (!isHls(kind)) {
    return { url: playSource, createPlayer: createFlvPlayer, events: flvEvents };
  }
  const url = token ? `${hlsUrl}?token=${encodeURIComponent(token)}` : hlsUrl;
  return { url, createPlayer: (u) => new HlsPlayer(u, kind === 'hls-js'), events: hlsEvents };
}

/** Whether this browser can run the chosen player. */
export function playerRuns(kind: PlayerKind): boolean {
  return kind === 'hls-native' || kind === 'hls-js' || ((kind === 'flv' || kind === 'flv-managed') && flvSupported());
}
