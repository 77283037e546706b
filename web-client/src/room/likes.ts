/**
 * Batches like clicks: a burst of taps becomes one `{"type":"like","count":n}` at most every
 * `intervalMs`, with n capped by the protocol (1-100); what is over the cap goes in the next one.
 */
export class LikeBatcher {
  private pending = 0;
  private lastSentAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (count: number) => void,
    private readonly intervalMs = 500,
    private readonly maxCount = 100,
    private readonly now: () => number = () => Date.now(),
  ) {}

  click(times = 1): void {
    this.pending += times;
    this.schedule();
  }

  get unsent(): number {
    return this.pending;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private schedule(): void {
    if (this.timer || this.pending === 0) {
      return;
    }
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = null;
    const count = Math.min(this.pending, this.maxCount);
    if (count <= 0) {
      return;
    }
    this.pending -= count;
    this.lastSentAt = this.now();
    this.send(count);
    this.schedule();
  }
}
