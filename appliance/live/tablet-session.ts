/**
 * One connected tablet: its identity (client id and optional ?name=), its outgoing slots, its
 * stream mode, and the handling of its messages. Every text message is schema-checked; a bad one
 * or a refused prompt change is answered with a coded `error` (carrying the message's `ref`) and
 * the connection stays open. Successful prompt changes are not answered here: they are broadcast.
 * A new-object tap near where a lost object was last seen re-acquires it (reacquire.ts): it is
 * applied, and audited, as a positive point on that object.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import type { PromptResult, PromptService } from '../prompt-service.ts';
import type { Actor } from '../store.ts';
import { parseClientMessage } from './client-messages.ts';
import { ClientSender } from './client-sender.ts';
import {
  encodeServerMessage,
  TABLET_PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
  type StreamMode,
} from './tablet-protocol.ts';

export interface TabletSessionDeps {
  readonly prompts: PromptService;
  readonly monotonicNs: () => bigint;
  /** The lost object a new-object tap at this point re-acquires, or null (a new object). */
  readonly lostObjectAt: (tap: { readonly x: number; readonly y: number }) => string | null;
  /** This tablet switched mode (the hub re-sends state). */
  readonly onModeChange: () => void;
  readonly log: (line: string) => void;
}

function nameFrom(request: IncomingMessage): string | undefined {
  const url = new URL(request.url ?? '/', 'http://appliance');
  const name = url.searchParams
    .get('name')
    ?.replace(/[\p{Cc}]/gu, '')
    .trim()
    .slice(0, 64);
  return name ? name : undefined;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

export class TabletSession {
  readonly id = `tab-${randomUUID().slice(0, 8)}`;
  readonly actor: Actor;
  readonly sender: ClientSender;
  mode: StreamMode = 'paired';
  /** Answered the last WebSocket ping. */
  alive = true;

  constructor(
    readonly ws: WebSocket,
    request: IncomingMessage,
    private readonly deps: TabletSessionDeps,
  ) {
    const name = nameFrom(request);
    this.actor = name === undefined ? { clientId: this.id } : { clientId: this.id, name };
    this.sender = new ClientSender({
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      send: (data, cb) => ws.send(data, { binary: true }, cb),
    });
  }

  control(message: ServerMessage): void {
    this.sender.control(encodeServerMessage(message));
  }

  error(code: string, message: string, ref?: string): void {
    this.control({
      v: TABLET_PROTOCOL_VERSION,
      kind: 'error',
      code,
      message,
      ...(ref === undefined ? {} : { ref }),
    });
  }

  onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.error('BAD_MESSAGE', 'client messages are JSON text');
      return;
    }
    const parsed = parseClientMessage(textOf(data));
    if (!parsed.ok) {
      this.error(parsed.code, parsed.message, parsed.ref);
      return;
    }
    try {
      this.handle(parsed.message);
    } catch (e) {
      this.deps.log(
        `live hub: ${parsed.message.kind} from ${this.id} failed: ${e instanceof Error ? e.stack : String(e)}`,
      );
      this.error('INTERNAL', 'the appliance failed; see its log', parsed.message.ref);
    }
  }

  private answer<T>(result: PromptResult<T>, ref: string | undefined): void {
    if (!result.ok) this.error(result.code, result.message, ref);
  }

  private handle(m: ClientMessage): void {
    const { prompts } = this.deps;
    switch (m.kind) {
      case 'addPrompt': {
        const point = { x: m.x, y: m.y, label: 'positive' } as const;
        const lost = this.deps.lostObjectAt(point);
        const placed = { frameSeq: m.frameSeq };
        this.answer(
          lost === null
            ? prompts.add({ points: [point] }, this.actor, placed)
            : prompts.addPoint(lost, point, this.actor, placed),
          m.ref,
        );
        break;
      }
      case 'addPoint':
        this.answer(
          prompts.addPoint(m.objectId, { x: m.x, y: m.y, label: m.label }, this.actor, {
            frameSeq: m.frameSeq,
          }),
          m.ref,
        );
        break;
      case 'removePrompt':
        this.answer(prompts.remove(m.objectId, this.actor), m.ref);
        break;
      case 'setMode':
        this.mode = m.mode;
        this.deps.onModeChange();
        break;
      case 'ping':
        this.control({
          v: TABLET_PROTOCOL_VERSION,
          kind: 'pong',
          t: m.t,
          serverNs: this.deps.monotonicNs().toString(),
        });
        break;
    }
  }
}
