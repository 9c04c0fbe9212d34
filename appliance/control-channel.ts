/**
 * Request/reply correlation on the daemon control link (DEALER → ROUTER): each request gets an id
 * and its own timeout; replies are matched by id (a late reply to a timed-out request is counted
 * and dropped); at most `maxPending` requests wait at once; close() fails everything pending.
 * Sends go out one at a time (a zeromq.js socket allows one send in flight).
 */
import { decodeEnvelope, encodeEnvelope } from '../inference/protocol/envelope.ts';
import { parseHeader, Reply, type Request } from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';
import { ApplianceError } from './errors.ts';

/** Distributes Omit over the request union: what a caller writes. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<Request, 'v' | 'kind' | 'id'>;

export interface ControlTransport {
  /** Rejects when the message cannot be queued (no daemon connected). */
  send(message: Buffer): Promise<void>;
}

interface Pending {
  readonly op: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class ControlChannel {
  private nextId = 1;
  private readonly pendingById = new Map<number, Pending>();
  private sendChain: Promise<void> = Promise.resolve();
  private closed = false;
  lateReplies = 0;
  malformedReplies = 0;

  constructor(
    private readonly transport: ControlTransport,
    private readonly options: { readonly timeoutMs: number; readonly maxPending?: number },
  ) {}

  get pending(): number {
    return this.pendingById.size;
  }

  /** Resolves with the reply's `result`; rejects with a coded ApplianceError. */
  request(body: RequestBody): Promise<unknown> {
    if (this.closed)
      return Promise.reject(new ApplianceError('LINK_CLOSED', 'control link is closed'));
    if (this.pendingById.size >= (this.options.maxPending ?? 32)) {
      return Promise.reject(
        new ApplianceError('INFERENCE_BUSY', `${this.pendingById.size} requests already pending`),
      );
    }
    const id = this.nextId++;
    const message = encodeEnvelope({ v: PROTOCOL_VERSION, kind: 'request', id, ...body });
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingById.delete(id);
        reject(
          new ApplianceError(
            'INFERENCE_TIMEOUT',
            `${body.op} (#${id}) had no reply within ${this.options.timeoutMs} ms`,
          ),
        );
      }, this.options.timeoutMs);
      this.pendingById.set(id, { op: body.op, resolve, reject, timer });
      this.sendChain = this.sendChain.then(() =>
        this.transport.send(message).catch((e: unknown) => {
          this.fail(
            id,
            new ApplianceError(
              'INFERENCE_UNAVAILABLE',
              `${body.op} not sent: ${e instanceof Error ? e.message : String(e)}`,
              { cause: e },
            ),
          );
        }),
      );
    });
  }

  /** Feeds one message received on the DEALER. */
  handleReply(message: Buffer): void {
    let reply: Reply;
    try {
      reply = parseHeader(Reply, decodeEnvelope(message).header, 'control reply');
    } catch {
      this.malformedReplies += 1;
      return;
    }
    const pending = this.pendingById.get(reply.id);
    if (pending === undefined) {
      this.lateReplies += 1;
      return;
    }
    this.pendingById.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve(reply.result);
    else {
      pending.reject(
        new ApplianceError(
          'INFERENCE_REJECTED',
          `${pending.op}: ${reply.error.code}: ${reply.error.message}`,
        ),
      );
    }
  }

  /** Fails every pending request with LINK_CLOSED; later requests fail at once. */
  close(): void {
    this.closed = true;
    for (const id of [...this.pendingById.keys()]) {
      this.fail(id, new ApplianceError('LINK_CLOSED', 'control link closed while waiting'));
    }
  }

  private fail(id: number, error: Error): void {
    const pending = this.pendingById.get(id);
    if (pending === undefined) return;
    this.pendingById.delete(id);
    clearTimeout(pending.timer);
    pending.reject(error);
  }
}
