/**
 * The `/live` WebSocket fan-out: frames are encoded once (newest wins while the encoder is busy)
 * and each message is built once per mode and shared; every tablet has its own bounded slots
 * (client-sender.ts), so a slow tablet drops its own frames and never slows another. Paired mode
 * sends each frame with its own masks (pairing.ts); newest mode sends the newest frame with the
 * last fresh masks (latest-masks.ts). Each tablet's messages are handled by its session
 * (tablet-session.ts); prompt changes from anywhere, and objects changing track state
 * (object-states.ts), are broadcast to all as `state`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FrameHeader, MasksHeader } from '../../inference/protocol/messages.ts';
import type { PromptService } from '../prompt-service.ts';
import type { SenderStats } from './client-sender.ts';
import { frameMasksFrom } from './daemon-masks.ts';
import { EncodeSlot } from './encode-slot.ts';
import type { FrameEncoder } from './frame-encoder.ts';
import { LatestMasks } from './latest-masks.ts';
import { ObjectStates } from './object-states.ts';
import { frameMessage, masksMessage } from './outgoing-messages.ts';
import { Pairing, type PairedEmission, type PairingStats } from './pairing.ts';
import { reacquireTarget } from './reacquire.ts';
import { maskAgeMs, type EncodedFrame } from './stream-types.ts';
import { TabletSession } from './tablet-session.ts';
import {
  encodeServerMessage,
  TABLET_PROTOCOL_VERSION,
  type CaptureStatusView,
  type DaemonStatusView,
  type ObjectStateView,
  type StreamMode,
} from './tablet-protocol.ts';

export const LIVE_PATH = '/live';

export interface LiveHubDeps {
  readonly encoder: FrameEncoder;
  readonly prompts: PromptService;
  readonly daemonView: () => DaemonStatusView;
  readonly captureView: () => CaptureStatusView;
  readonly maxMaskAgeMs: number;
  /** Frames held for pairing (and early masks kept); default 16. */
  readonly frameWindow?: number;
  /** Periodic `state` broadcast; default 1000 ms. */
  readonly stateIntervalMs?: number;
  /** WebSocket ping period; a tablet that misses one is dropped. Default 15 000 ms. */
  readonly heartbeatMs?: number;
  readonly nowMs?: () => number;
  readonly monotonicNs?: () => bigint;
  readonly log?: (line: string) => void;
}

export interface ClientStats extends SenderStats {
  readonly clientId: string;
  readonly name: string | null;
  readonly mode: StreamMode;
  readonly bufferedAmount: number;
}

export interface HubStats {
  readonly clients: readonly ClientStats[];
  readonly framesEncoded: number;
  /** Frames replaced while waiting for the encoder. */
  readonly encodeDropped: number;
  readonly encodeFailed: number;
  readonly pairing: Readonly<PairingStats>;
}

export interface LiveHub {
  /** Hand an HTTP upgrade for LIVE_PATH to the hub. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** A frame from capture (not retained beyond its encode). */
  pushFrame(header: FrameHeader, pixels: Uint8Array): void;
  /** Masks from the daemon; `body` holds the run-length masks at each object's offsets. */
  pushMasks(header: MasksHeader, body: Uint8Array): void;
  broadcastState(): void;
  stats(): HubStats;
  /** Resolves when no encode runs or waits (tests). */
  idle(): Promise<void>;
  /** Closes every tablet (1001) and stops the timers. */
  close(): Promise<void>;
}

interface FrameJob {
  readonly header: FrameHeader;
  readonly pixels: Uint8Array;
}

export function createLiveHub(deps: LiveHubDeps): LiveHub {
  const nowMs = deps.nowMs ?? (() => performance.now());
  const monotonicNs = deps.monotonicNs ?? (() => process.hrtime.bigint());
  const log = deps.log ?? ((line: string) => console.error(line));
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: 64 * 1024,
    perMessageDeflate: false,
  });
  const clients = new Map<string, TabletSession>();
  const pairing = new Pairing({ maxMaskAgeMs: deps.maxMaskAgeMs, window: deps.frameWindow ?? 16 });
  const latestMasks = new LatestMasks(deps.maxMaskAgeMs);
  const objectStates = new ObjectStates();
  const colorOf = (objectId: string) => deps.prompts.colorOf(objectId);
  let newestFrame: EncodedFrame | null = null;
  let sourceId: string | null = null;
  let expiryTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const idleWaiters: (() => void)[] = [];

  const encodeSlot = new EncodeSlot<FrameJob, Uint8Array>(
    (job) =>
      deps.encoder.encode(job.pixels, job.header.width, job.header.height, job.header.channels),
    (job, image) => {
      onEncoded({
        seq: job.header.seq,
        sourceId: job.header.sourceId,
        capturedAtNs: job.header.capturedAtNs,
        width: job.header.width,
        height: job.header.height,
        channels: job.header.channels,
        encoding: deps.encoder.encoding,
        image,
        readyAtMs: nowMs(),
        ...(job.header.synthetic === undefined ? {} : { synthetic: job.header.synthetic }),
      });
      wakeIdle();
    },
    (job, error) => {
      log(
        `live hub: frame ${job.header.seq} not encoded: ${error instanceof Error ? error.message : String(error)}`,
      );
      wakeIdle();
    },
  );

  function wakeIdle(): void {
    if (!encodeSlot.idle) return;
    for (const wake of idleWaiters.splice(0)) wake();
  }

  const inMode = (mode: StreamMode): TabletSession[] =>
    [...clients.values()].filter((c) => c.mode === mode);

  function sendPaired(emissions: readonly PairedEmission[]): void {
    const targets = inMode('paired');
    for (const e of emissions) {
      if (targets.length === 0) continue;
      const message = frameMessage(
        e.frame,
        e.masks === null ? null : { masks: e.masks, ageMs: 0 },
        colorOf,
        monotonicNs(),
      );
      for (const c of targets) c.sender.frame(message);
    }
    armExpiry();
  }

  function armExpiry(): void {
    if (expiryTimer !== null) clearTimeout(expiryTimer);
    expiryTimer = null;
    const deadline = pairing.nextDeadlineMs();
    if (deadline === null || closed) return;
    expiryTimer = setTimeout(
      () => {
        expiryTimer = null;
        sendPaired(pairing.expire(nowMs()));
      },
      Math.max(0, deadline - nowMs()) + 1,
    );
  }

  function onEncoded(frame: EncodedFrame): void {
    if (closed) return;
    if (frame.sourceId !== sourceId) {
      sourceId = frame.sourceId;
      pairing.reset();
      latestMasks.clear();
    }
    newestFrame = frame;
    const newest = inMode('newest');
    if (newest.length > 0) {
      const message = frameMessage(frame, latestMasks.freshFor(frame), colorOf, monotonicNs());
      for (const c of newest) c.sender.frame(message);
    }
    sendPaired(pairing.addFrame(frame, nowMs()));
  }

  function pushMasks(header: MasksHeader, body: Uint8Array): void {
    if (closed) return;
    const masks = frameMasksFrom(header, body, monotonicNs().toString());
    const stateChanged = objectStates.update(masks, (id) => deps.prompts.has(id));
    latestMasks.set(masks);
    const newest = inMode('newest');
    if (newest.length > 0 && newestFrame !== null) {
      const ageMs = maskAgeMs(newestFrame, masks);
      if (ageMs <= deps.maxMaskAgeMs) {
        const message = masksMessage(masks, ageMs, colorOf, monotonicNs());
        for (const c of newest) c.sender.masks(message);
      }
    }
    sendPaired(pairing.addMasks(masks, nowMs()));
    if (stateChanged) broadcastState(); // e.g. an object just got lost: tablets hear it at once
  }

  function pushFrame(header: FrameHeader, pixels: Uint8Array): void {
    if (closed || clients.size === 0) return; // nobody watching: no encode
    encodeSlot.submit({ header, pixels });
  }

  // ---- state --------------------------------------------------------------------------------

  function objectViews(): ObjectStateView[] {
    objectStates.retain((id) => deps.prompts.has(id));
    return objectStates.views(deps.prompts.list().map((p) => p.objectId));
  }

  function broadcastState(): void {
    if (closed || clients.size === 0) return;
    const shared = {
      v: TABLET_PROTOCOL_VERSION,
      kind: 'state' as const,
      prompts: deps.prompts.list(),
      objects: objectViews(),
      daemon: deps.daemonView(),
      capture: deps.captureView(),
    };
    for (const c of clients.values()) {
      c.sender.state(
        encodeServerMessage({
          ...shared,
          client: {
            clientId: c.id,
            mode: c.mode,
            framesSent: c.sender.stats.framesSent,
            framesDropped: c.sender.stats.framesDropped,
          },
        }),
      );
    }
  }

  const unsubscribePrompts = deps.prompts.onChange(broadcastState);
  const stateTimer = setInterval(broadcastState, deps.stateIntervalMs ?? 1000);
  const heartbeatTimer = setInterval(() => {
    for (const c of clients.values()) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }, deps.heartbeatMs ?? 15_000);
  stateTimer.unref();
  heartbeatTimer.unref();

  // ---- clients ------------------------------------------------------------------------------

  function attach(ws: WebSocket, request: IncomingMessage): void {
    const c = new TabletSession(ws, request, {
      prompts: deps.prompts,
      monotonicNs,
      lostObjectAt: (tap) => reacquireTarget(tap, objectViews()),
      onModeChange: broadcastState,
      log,
    });
    clients.set(c.id, c);
    ws.on('message', (data, isBinary) => c.onMessage(data, isBinary));
    ws.on('pong', () => {
      c.alive = true;
    });
    ws.on('error', (e) => log(`live hub: ${c.id}: ${e.message}`));
    ws.on('close', () => {
      c.sender.close();
      clients.delete(c.id);
    });
    c.control({
      v: TABLET_PROTOCOL_VERSION,
      kind: 'hello',
      clientId: c.id,
      serverNs: monotonicNs().toString(),
      stream: { encoding: deps.encoder.encoding, mode: c.mode, maxMaskAgeMs: deps.maxMaskAgeMs },
    });
    broadcastState();
  }

  return {
    handleUpgrade(request, socket, head) {
      if (closed) {
        socket.destroy();
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => attach(ws, request));
    },
    pushFrame,
    pushMasks,
    broadcastState,
    stats() {
      return {
        clients: [...clients.values()].map((c) => ({
          clientId: c.id,
          name: c.actor.name ?? null,
          mode: c.mode,
          bufferedAmount: c.ws.bufferedAmount,
          ...c.sender.stats,
        })),
        framesEncoded: encodeSlot.encoded,
        encodeDropped: encodeSlot.dropped,
        encodeFailed: encodeSlot.failed,
        pairing: { ...pairing.stats },
      };
    },
    idle() {
      return encodeSlot.idle
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribePrompts();
      clearInterval(stateTimer);
      clearInterval(heartbeatTimer);
      if (expiryTimer !== null) clearTimeout(expiryTimer);
      const closing = [...clients.values()].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.sender.close();
            c.ws.once('close', () => resolve());
            c.ws.close(1001, 'appliance shutting down');
            setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, 1000).unref();
          }),
      );
      await Promise.all(closing);
      clients.clear();
      wss.close();
      for (const wake of idleWaiters.splice(0)) wake();
    },
  };
}
