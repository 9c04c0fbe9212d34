/**
 * One tablet's outgoing slots: at most one pending frame, one pending masks message and one
 * pending state (each newest wins; replaced frames are counted as drops) plus a short FIFO of
 * control replies (hello, pong, error; bounded, oldest dropped). Nothing is written while the
 * socket still holds unsent data, so a slow tablet only ever costs itself frames; it never
 * delays another tablet or grows the server's memory.
 */
export interface SocketLike {
  readonly bufferedAmount: number;
  /** `cb` runs once the data has been handed to the OS (or with an error). */
  send(data: Uint8Array, cb: (error?: Error) => void): void;
}

export interface SenderStats {
  framesSent: number;
  framesDropped: number;
  masksDropped: number;
  controlDropped: number;
}

/** How long to wait before looking again when the socket is busy with data not ours (a ping). */
const RETRY_MS = 10;

export class ClientSender {
  private inFlight = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly controls: Uint8Array[] = [];
  private pendingState: Uint8Array | null = null;
  private pendingMasks: Uint8Array | null = null;
  private pendingFrame: Uint8Array | null = null;
  readonly stats: SenderStats = {
    framesSent: 0,
    framesDropped: 0,
    masksDropped: 0,
    controlDropped: 0,
  };

  constructor(
    private readonly socket: SocketLike,
    private readonly controlCapacity = 32,
  ) {}

  control(message: Uint8Array): void {
    if (this.controls.length >= this.controlCapacity) {
      this.controls.shift();
      this.stats.controlDropped += 1;
    }
    this.controls.push(message);
    this.flush();
  }

  state(message: Uint8Array): void {
    this.pendingState = message;
    this.flush();
  }

  masks(message: Uint8Array): void {
    if (this.pendingMasks !== null) this.stats.masksDropped += 1;
    this.pendingMasks = message;
    this.flush();
  }

  frame(message: Uint8Array): void {
    if (this.pendingFrame !== null) this.stats.framesDropped += 1;
    this.pendingFrame = message;
    this.flush();
  }

  /** A frame is waiting for the socket to drain. */
  get framePending(): boolean {
    return this.pendingFrame !== null;
  }

  close(): void {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.controls.length = 0;
    this.pendingState = this.pendingMasks = this.pendingFrame = null;
  }

  private flush(): void {
    if (this.closed || this.inFlight || this.retry !== null) return;
    if (this.socket.bufferedAmount > 0) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.flush();
      }, RETRY_MS);
      return;
    }
    const next = this.take();
    if (next === null) return;
    this.inFlight = true;
    this.socket.send(next, (error) => {
      this.inFlight = false;
      if (error) this.close();
      else this.flush();
    });
  }

  private take(): Uint8Array | null {
    const control = this.controls.shift();
    if (control !== undefined) return control;
    let out: Uint8Array | null = null;
    if (this.pendingState !== null) {
      out = this.pendingState;
      this.pendingState = null;
    } else if (this.pendingMasks !== null) {
      out = this.pendingMasks;
      this.pendingMasks = null;
    } else if (this.pendingFrame !== null) {
      out = this.pendingFrame;
      this.pendingFrame = null;
      this.stats.framesSent += 1;
    }
    return out;
  }
}
