/// <reference lib="dom" />
/**
 * The tablet's end of `/live`: one WebSocket (reconnected with capped backoff), binary server
 * messages decoded and dispatched by kind, a ping every 2 s feeding the clock-offset estimate.
 * Holds no frames: each message is handed on as it comes.
 */
import {
  decodeServerMessage,
  encodeClientMessage,
  nsToMs,
  type ClientMessageBody,
  type ErrorMessage,
  type FrameMessage,
  type HelloMessage,
  type MasksMessage,
  type StateMessage,
} from '../appliance/live/tablet-protocol.ts';
import { ClockOffset } from './clock-offset.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface LiveHandlers {
  status(status: ConnectionStatus): void;
  hello(message: HelloMessage): void;
  frame(message: FrameMessage, payload: Uint8Array): void;
  masks(message: MasksMessage, payload: Uint8Array): void;
  state(message: StateMessage): void;
  error(message: ErrorMessage): void;
}

const PING_MS = 2000;

export class LiveConnection {
  readonly clock = new ClockOffset();
  private socket: WebSocket | null = null;
  private pingTimer: number | null = null;
  private retryTimer: number | null = null;
  private backoffMs = 500;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly handlers: LiveHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.socket?.close(1000, 'tablet closing');
  }

  /** False when not connected (the message is not queued). */
  send(message: ClientMessageBody): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(encodeClientMessage(message));
    return true;
  }

  /** Appliance monotonic ms now, from the clock estimate; null before the first pong. */
  serverNowMs(): number | null {
    const offset = this.clock.offsetMs();
    return offset === null ? null : performance.now() + offset;
  }

  private open(): void {
    this.handlers.status('connecting');
    const socket = new WebSocket(this.url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.backoffMs = 500;
      this.handlers.status('open');
      this.ping();
      this.pingTimer = window.setInterval(() => this.ping(), PING_MS);
    };
    socket.onmessage = (event: MessageEvent<unknown>) => {
      if (event.data instanceof ArrayBuffer) this.dispatch(new Uint8Array(event.data));
    };
    socket.onclose = () => {
      if (this.pingTimer !== null) clearInterval(this.pingTimer);
      this.pingTimer = null;
      this.handlers.status('closed');
      if (this.stopped) return;
      this.retryTimer = window.setTimeout(() => this.open(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    };
  }

  private ping(): void {
    this.send({ kind: 'ping', t: performance.now() });
  }

  private dispatch(bytes: Uint8Array): void {
    let decoded: ReturnType<typeof decodeServerMessage>;
    try {
      decoded = decodeServerMessage(bytes);
    } catch (e) {
      console.error('live: undecodable message', e);
      return;
    }
    const { header, payload } = decoded;
    switch (header.kind) {
      case 'hello':
        this.handlers.hello(header);
        break;
      case 'frame':
        this.handlers.frame(header, payload);
        break;
      case 'masks':
        this.handlers.masks(header, payload);
        break;
      case 'state':
        this.handlers.state(header);
        break;
      case 'pong':
        this.clock.add({
          sentMs: header.t,
          receivedMs: performance.now(),
          serverMs: nsToMs(header.serverNs),
        });
        break;
      case 'error':
        this.handlers.error(header);
        break;
    }
  }
}
