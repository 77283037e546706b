/**
 * Estimates server clock − local clock from ping/pong round trips (NTP-style midpoint). The sample
 * with the smallest round trip is the least skewed by queueing, so that one wins; only the last
 * `window` samples are kept so that a drifting clock is followed.
 */
export interface ClockSample {
  offsetMs: number;
  rttMs: number;
}

export function clockSample(sentAt: number, serverTs: number, receivedAt: number): ClockSample {
  return { offsetMs: serverTs - (sentAt + receivedAt) / 2, rttMs: receivedAt - sentAt };
}

export class ClockOffset {
  private samples: ClockSample[] = [];
  private pendingSince: number | null = null;

  constructor(private readonly window = 8) {}

  /** Records a ping sent now; returns false when one is still unanswered (one at a time). */
  pingSent(now: number, timeoutMs = 5000): boolean {
    if (this.pendingSince !== null && now - this.pendingSince < timeoutMs) {
      return false;
    }
    this.pendingSince = now;
    return true;
  }

  pongReceived(serverTs: number, now: number): void {
    if (this.pendingSince === null) {
      return; // a pong we did not ask for (or asked for before a reconnect)
    }
    this.add(clockSample(this.pendingSince, serverTs, now));
    this.pendingSince = null;
  }

  /** Forgets an unanswered ping (its socket closed). */
  reset(): void {
    this.pendingSince = null;
  }

  add(sample: ClockSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.window) {
      this.samples.shift();
    }
  }

  /** The offset of the best sample, or null before the first answer. */
  get offsetMs(): number | null {
    const best = this.best;
    return best ? best.offsetMs : null;
  }

  get best(): ClockSample | null {
    return this.samples.reduce<ClockSample | null>((b, s) => (b === null || s.rttMs < b.rttMs ? s : b), null);
  }
}
