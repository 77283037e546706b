import type { Hello, RoomError, RoomEvent, ServerMessage } from './protocol';

/** What the room client needs of a WebSocket (the browser's, or a test double). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
}

export interface RoomHandlers {
  hello?(hello: Hello): void;
  event?(event: RoomEvent): void;
  error?(error: RoomError): void;
  /** The socket closed; `retryInMs` is null when the client will not reconnect (banned, bad token). */
  closed?(code: number, reason: string, retryInMs: number | null): void;
}

/** Closes after which reconnecting would only be refused again. */
const FINAL = new Set(['banned', 'bad-token', 'abuse']);

/**
 * A room member: connects, resumes from the last sequence number it saw when it reconnects
 * (with backoff), and hands on every event once, in order.
 */
export class RoomClient {
  private socket: SocketLike | null = null;
  private lastSeq = 0;
  private attempts = 0;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: (lastSeq: number) => string,
    private readonly open: (url: string) => SocketLike,
    private readonly handlers: RoomHandlers,
    private readonly backoff: (attempt: number) => number = (n) => Math.min(30_000, 500 * 2 ** n),
  ) {}

  connect(): void {
    this.stopped = false;
    const socket = this.open(this.url(this.lastSeq));
    this.socket = socket;
    socket.onmessage = (ev) => this.receive(String(ev.data));
    socket.onclose = (ev) => this.onClose(ev.code, ev.reason);
  }

  send(message: Record<string, unknown>): void {
    this.socket?.send(JSON.stringify(message));
  }

  /** The last sequence number seen: what a reconnect resumes from. */
  get seq(): number {
    return this.lastSeq;
  }

  close(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.socket?.close(1000, 'bye');
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'hello':
        this.attempts = 0;
        this.handlers.hello?.(message);
        message.history.forEach((e) => this.deliver(e));
        this.lastSeq = Math.max(this.lastSeq, message.seq);
        break;
      case 'batch':
        message.events.forEach((e) => this.deliver(e));
        break;
      case 'error':
        this.handlers.error?.(message);
        break;
      default:
        break;
    }
  }

  /** Stats carry the current sequence number without taking one; everything else is new once. */
  private deliver(event: RoomEvent): void {
    if (event.type !== 'stats') {
      if (event.seq <= this.lastSeq) {
        return;
      }
      this.lastSeq = event.seq;
    }
    this.handlers.event?.(event);
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    if (this.stopped || FINAL.has(reason)) {
      this.handlers.closed?.(code, reason, null);
      return;
    }
    const delay = this.backoff(this.attempts++);
    this.handlers.closed?.(code, reason, delay);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
