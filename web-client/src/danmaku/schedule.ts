/**
 * Shows each comment when this viewer's playback reaches the stream timestamp its sender was
 * watching, so comments line up with the picture whatever each viewer's delay.
 */
export interface Timed {
  streamTs: number;
  seq: number;
}

export class StreamTsSchedule<T extends Timed> {
  private queue: T[] = [];

  /**
   * @param lateMs a comment whose moment passed longer ago than this is shown at once anyway if
   *   it just arrived (a viewer further ahead than its sender), and dropped if it waited that long
   */
  constructor(private readonly lateMs: number = 5000) {}

  add(item: T): void {
    // keep the queue ordered by streamTs, then arrival (seq)
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].streamTs > item.streamTs
        || (this.queue[i - 1].streamTs === item.streamTs && this.queue[i - 1].seq > item.seq))) {
      i--;
    }
    this.queue.splice(i, 0, item);
  }

  /** The comments due at playback position `playbackTs` (ms of stream time), in order. */
  due(playbackTs: number): T[] {
    const due: T[] = [];
    while (this.queue.length > 0 && this.queue[0].streamTs <= playbackTs) {
      const item = this.queue.shift()!;
      if (playbackTs - item.streamTs <= this.lateMs) {
        due.push(item);
      }
    }
    return due;
  }

  get size(): number {
    return this.queue.length;
  }
}
