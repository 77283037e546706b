/** The gateway's answer to `GET /api/play/<stream>`. */
export interface PlayAnswer {
  /** WebSocket-FLV URL: a relay's where the gateway sends viewers to relays directly, else the gateway's. */
  ws: string;
  /** True when `ws` is a relay's own URL. */
  direct?: boolean;
}

export interface PlaySourceOptions {
  /** The stream's URL at the gateway (same origin as the page): always works, costs the gateway the bytes. */
  gatewayUrl: string;
  /** Asks the gateway where to play. */
  ask: () => Promise<PlayAnswer>;
  /** A play token for a private stream, sent as `?token=` wherever the player connects. */
  token?: string | null;
}

/**
 * Where the player connects, decided afresh for every connection: the relay the gateway names
 * (`/api/play`), so the bytes do not pass through the gateway; the gateway's own URL when the
 * API cannot be asked, names no relay, or the relay it named failed before anything played (then
 * once, and the next connection asks again: relays come and go).
 */
export class PlaySource {
  private viaGatewayOnce = false;
  /** The URL of the latest connection, and whether it was a relay's. */
  last: { url: string; direct: boolean } | null = null;

  constructor(private readonly options: PlaySourceOptions) {}

  async next(): Promise<string> {
    let url = this.options.gatewayUrl;
    let direct = false;
    if (this.viaGatewayOnce) {
      this.viaGatewayOnce = false;
    } else {
      try {
        const answer = await this.options.ask();
        if (answer.direct && typeof answer.ws === 'string' && answer.ws.length > 0) {
          url = answer.ws;
          direct = true;
        }
      } catch {
        // the API is down or refused: the gateway URL still plays
      }
    }
    const token = this.options.token;
    this.last = { url, direct };
    return token ? `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : url;
  }

  /** The latest connection ended; `played` says whether any picture came through it. */
  ended(played: boolean): void {
    if (!played && this.last?.direct) {
      this.viaGatewayOnce = true;
    }
  }
}

/** Asks this page's gateway where to play `stream`. */
export function askGateway(stream: string, fetchImpl: typeof fetch = fetch): () => Promise<PlayAnswer> {
  return async () => {
    const response = await fetchImpl(`/api/play/${encodeURIComponent(stream)}`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`play api: HTTP ${response.status}`);
    return (await response.json()) as PlayAnswer;
  };
}
