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
  /** `fromHistory`: the event came in a `hello` (already past: list it, do not replay it). */
  event?(event: RoomEvent, fromHistory: boolean): void;
  /** The server's answer to a ping: its clock, epoch ms. */
  pong?(serverTs: number): void;
  error?(error: RoomError): void;
  /** The socket closed; `retryInMs` is null when the client will not reconnect (banned, bad token). */
  closed?(code: number, reason: string, retryInMs: number | null): void;
}

/** Closes after which reconnecting would only be refused again (by reason, or by code). */
const FINAL = new Set(['banned', 'bad-token', 'abuse']);
const FINAL_CODES = new Set([4401, 4403, 4429]);

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
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const socket = this.open(this.url(this.lastSeq));
    this.socket = socket;
    // a replaced socket's late events must not touch its successor
    socket.onmessage = (ev) => { if (this.socket === socket) this.receive(String(ev.data)); };
    socket.onclose = (ev) => { if (this.socket === socket) this.onClose(ev.code, ev.reason); };
  }

  /** Drops the current socket (if any) and connects again at once, e.g. with a new token. */
  reconnect(): void {
    const old = this.socket;
    this.socket = null;
    old?.close(1000, 'reconnect');
    this.attempts = 0;
    this.connect();
  }

  /** Sends if connected; returns false when there is no socket to send on (the message is dropped). */
  send(message: Record<string, unknown>): boolean {
    if (!this.socket) {
      return false;
    }
    try {
      this.socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false; // still connecting or already closing: the caller may retry
    }
  }

  /** The last sequence number seen: what a reconnect resumes from. */
  get seq(): number {
    return this.lastSeq;
  }

  close(): void {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'bye');
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
        message.history.forEach((e) => this.deliver(e, true));
        this.lastSeq = Math.max(this.lastSeq, message.seq);
        break;
      case 'batch':
        message.events.forEach((e) => this.deliver(e, false));
        break;
      case 'error':
        this.handlers.error?.(message);
        break;
      case 'pong':
        this.handlers.pong?.(message.ts);
        break;
      default:
        break;
    }
  }

  /** Stats carry the current sequence number without taking one; everything else is new once. */
  private deliver(event: RoomEvent, fromHistory: boolean): void {
    if (event.type !== 'stats') {
      if (event.seq <= this.lastSeq) {
        return;
      }
      this.lastSeq = event.seq;
    }
    this.handlers.event?.(event, fromHistory);
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    if (this.stopped || FINAL.has(reason) || FINAL_CODES.has(code)) {
      this.handlers.closed?.(code, reason, null);
      return;
    }
    const delay = this.backoff(this.attempts++);
    this.handlers.closed?.(code, reason, delay);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
