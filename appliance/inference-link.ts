/**
 * The appliance's side of the inference daemon: a SUB on `results` (masks and status, handled as
 * they come; a bounded receive queue) and a DEALER on `control` (correlated requests with timeouts,
 * pending requests failed on close). A heartbeat with a bootId not seen before (daemon started or
 * restarted) triggers hello + setPrompts with the store's active set, so tracking resumes without
 * a tap; prompt changes are pushed coalesced (one setPrompts in flight, the newest set wins).
 */
import { Type } from '@sinclair/typebox';
import { Dealer, Subscriber } from 'zeromq';
import { decodeEnvelope, ProtocolError } from '../inference/protocol/envelope.ts';
import {
  MasksHeader,
  parseHeader,
  StatusHeader,
  type PromptSpec,
} from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';
import { ControlChannel, type RequestBody } from './control-channel.ts';
import { DaemonState, type DaemonHealth } from './daemon-state.ts';
import { isApplianceError } from './errors.ts';

export const HelloResult = Type.Object({
  protocolVersion: Type.Integer(),
  bootId: Type.String(),
  modelId: Type.String(),
  modelSha256: Type.String(),
});

export interface InferenceLinkOptions {
  readonly resultsEndpoint: string;
  readonly controlEndpoint: string;
  readonly requestTimeoutMs: number;
  /** The authoritative prompt set, read whenever the daemon must be (re)synchronised. */
  readonly activePrompts: () => PromptSpec[];
  readonly nowMs?: () => number;
  readonly log?: (line: string) => void;
}

export type MasksListener = (header: MasksHeader, body: Buffer) => void;

export interface InferenceLink {
  /** Masks as they arrive (already checked against the schema and the body size). */
  onMasks(listener: MasksListener): () => void;
  /** The daemon's state changed (new boot, ready, prompt sync, error). */
  onChange(listener: () => void): () => void;
  view(): DaemonHealth;
  /** A raw control request (pause, resume, modelInfo, switchModel…); coded ApplianceError on failure. */
  request(body: RequestBody): Promise<unknown>;
  /** The active prompt set changed: push it (coalesced) once the daemon is ready. */
  promptsChanged(): void;
  close(): Promise<void>;
}

function errorOf(e: unknown): { code: string; message: string } {
  if (isApplianceError(e) || e instanceof ProtocolError)
    return { code: e.code, message: e.message };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

class ZmqInferenceLink implements InferenceLink {
  private readonly results: Subscriber;
  private readonly control: Dealer;
  private readonly channel: ControlChannel;
  private readonly state = new DaemonState();
  private readonly masksListeners = new Set<MasksListener>();
  private readonly changeListeners = new Set<() => void>();
  private readonly loops: Promise<void>[];
  private readonly nowMs: () => number;
  private readonly log: (line: string) => void;
  private readonly loggedCodes = new Set<string>();
  private resyncing = false;
  private pushAfterResync = false;
  private pushing = false;
  private pushAgain = false;
  private closed = false;
  malformedResults = 0;

  constructor(private readonly options: InferenceLinkOptions) {
    this.nowMs = options.nowMs ?? (() => performance.now());
    this.log = options.log ?? ((line) => console.error(line));
    this.results = new Subscriber({ linger: 0, receiveHighWaterMark: 64 });
    this.results.connect(options.resultsEndpoint);
    this.results.subscribe();
    this.control = new Dealer({
      linger: 0,
      immediate: true,
      sendTimeout: Math.min(options.requestTimeoutMs, 500),
      sendHighWaterMark: 64,
      receiveHighWaterMark: 64,
    });
    this.control.connect(options.controlEndpoint);
    this.channel = new ControlChannel(
      { send: (message) => this.control.send(message) },
      { timeoutMs: options.requestTimeoutMs },
    );
    this.loops = [this.readResults(), this.readReplies()];
  }

  onMasks(listener: MasksListener): () => void {
    this.masksListeners.add(listener);
    return () => this.masksListeners.delete(listener);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  view(): DaemonHealth {
    return this.state.view(this.nowMs());
  }

  request(body: RequestBody): Promise<unknown> {
    return this.channel.request(body);
  }

  promptsChanged(): void {
    if (this.resyncing) this.pushAfterResync = true;
    else if (this.state.isReady()) void this.pushPrompts();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channel.close();
    this.results.close();
    this.control.close();
    await Promise.all(this.loops);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private report(error: { code: string; message: string }): void {
    this.state.setError(error);
    if (!this.loggedCodes.has(error.code)) {
      this.loggedCodes.add(error.code);
      this.log(
        `inference link: ${error.message} (further ${error.code} errors are counted, not logged)`,
      );
    }
  }

  private async readResults(): Promise<void> {
    try {
      for await (const parts of this.results) {
        const message = parts[parts.length - 1];
        if (message !== undefined) this.handleResult(message);
      }
    } catch (e) {
      if (!this.closed) this.log(`inference link: results loop ended: ${errorOf(e).message}`);
    }
  }

  private async readReplies(): Promise<void> {
    try {
      for await (const parts of this.control) {
        const message = parts[parts.length - 1];
        if (message !== undefined) this.channel.handleReply(message);
      }
    } catch (e) {
      if (!this.closed) this.log(`inference link: control loop ended: ${errorOf(e).message}`);
    }
  }

  private handleResult(message: Buffer): void {
    try {
      const { header, body } = decodeEnvelope(message);
      if (header.kind === 'masks') {
        const masks = parseHeader(MasksHeader, header, 'masks');
        for (const o of masks.objects) {
          if (o.rleOffset + o.rleLength > body.length) {
            throw new ProtocolError('PROTOCOL_MALFORMED', `masks: ${o.objectId} overruns the body`);
          }
        }
        for (const listener of this.masksListeners) listener(masks, body);
      } else if (header.kind === 'status') {
        this.handleStatus(parseHeader(StatusHeader, header, 'status'));
      } else {
        throw new ProtocolError('PROTOCOL_MALFORMED', `unknown result kind ${String(header.kind)}`);
      }
    } catch (e) {
      this.malformedResults += 1;
      this.report(errorOf(e));
    }
  }

  private handleStatus(status: StatusHeader): void {
    const { newBoot } = this.state.onStatus(status, this.nowMs());
    if (newBoot) {
      this.log(
        `inference link: daemon ${status.bootId} (${status.modelId}) heard; resynchronising`,
      );
      this.changed();
      void this.resync();
    } else if (!this.state.isReady()) {
      void this.resync(); // retried on every heartbeat until it succeeds
    } else if (!this.pushing && status.promptCount !== this.options.activePrompts().length) {
      void this.pushPrompts(); // the daemon's set drifted (a lost request): heal it
    }
  }

  /** hello, then the whole active set; marks the daemon ready for the boot that answered. */
  private async resync(): Promise<void> {
    if (this.resyncing || this.closed) return;
    this.resyncing = true;
    this.state.setPromptSync('pending');
    try {
      const hello = parseHeader(HelloResult, await this.channel.request({ op: 'hello' }), 'hello');
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        throw new ProtocolError(
          'PROTOCOL_VERSION_MISMATCH',
          `daemon speaks protocol ${hello.protocolVersion}, the appliance ${PROTOCOL_VERSION}`,
        );
      }
      this.pushAfterResync = false;
      await this.channel.request({ op: 'setPrompts', prompts: this.options.activePrompts() });
      this.state.markReady(hello.bootId, hello.modelId);
      this.state.setPromptSync('synced');
      this.log(`inference link: daemon ${hello.bootId} ready (${hello.modelId})`);
    } catch (e) {
      this.state.setPromptSync('failed');
      this.report(errorOf(e));
    } finally {
      this.resyncing = false;
      this.changed();
    }
    if (this.pushAfterResync && this.state.isReady()) await this.pushPrompts();
  }

  private async pushPrompts(): Promise<void> {
    if (this.pushing) {
      this.pushAgain = true;
      return;
    }
    this.pushing = true;
    this.state.setPromptSync('pending');
    try {
      do {
        this.pushAgain = false;
        await this.channel.request({ op: 'setPrompts', prompts: this.options.activePrompts() });
      } while (this.pushAgain && !this.closed);
      this.state.setPromptSync('synced');
      this.state.setError(null);
    } catch (e) {
      this.state.setPromptSync('failed');
      this.report(errorOf(e));
    } finally {
      this.pushing = false;
      this.changed();
    }
  }
}

/** Connects both sockets and starts reading; ZeroMQ reconnects on its own when the daemon restarts. */
export function openInferenceLink(options: InferenceLinkOptions): InferenceLink {
  return new ZmqInferenceLink(options);
}
