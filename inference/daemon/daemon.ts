/**
 * The inference daemon's I/O shell: newest frame in (conflated SUB), one cycle at a time
 * (encode, decode the active prompts, publish masks with per-stage timestamps), control requests
 * on a ROUTER, a status heartbeat with the boot id on the results PUB.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as zmq from 'zeromq';
import type { InferenceConfig } from '../config.ts';
import { isEngineError } from '../engine/errors.ts';
import { toGrey, type Frame } from '../engine/frame.ts';
import type { ModelHost } from '../engine/model-host.ts';
import type { Embedding } from '../engine/types.ts';
import {
  decodeEnvelope,
  encodeEnvelope,
  peekRequestId,
  ProtocolError,
} from '../protocol/envelope.ts';
import { encodeRle } from '../protocol/mask-rle.ts';
import {
  FrameHeader,
  parseHeader,
  Request,
  type MaskObject,
  type MasksHeader,
} from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/version.ts';
import { DaemonCounters } from './counters.ts';
import { handleRequest, failure, type ControlState } from './control.ts';
import { chooseObjects, delayBeforeCycleMs, ema, isStale } from './cycle-plan.ts';
import { FrameHistory } from './frame-history.ts';
import { SerialSender } from './serial-sender.ts';
import { PromptPropagation } from '../tracking/prompt-propagation.ts';
import { isProbe } from '../tracking/object-track.ts';
import { Tracker, type TrackReport } from '../tracking/tracker.ts';
import { IntensityGatedStrategy } from '../../volume/gated-strategy.ts';
import { trackerKey, trackingSetupFor } from './tracking-setup.ts';

const now = (): bigint => process.hrtime.bigint();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Frames kept for prompts placed on an earlier frame: about 0.8 s at 30 frames/s. */
const HISTORY_FRAMES = 24;
/** How far (frames) the kept frame may be from the one a prompt names (busy daemons miss frames). */
const PLACED_FRAME_MAX_GAP = 2;
/** Frames between the placed-on frame and the newest one that a placed prompt is tracked through. */
const CATCH_UP_FRAMES = 3;

function ensureIpcDir(endpoint: string): void {
  if (endpoint.startsWith('ipc://'))
    mkdirSync(dirname(endpoint.slice('ipc://'.length)), { recursive: true });
}

/** The newest embedding and the stamps of the frame it came from. */
interface LatestEmbedding {
  readonly embedding: Embedding;
  /** The frame's grey image, for the tracker's appearance cues. */
  readonly grey: Uint8Array;
  readonly header: FrameHeader;
  readonly receivedAtNs: bigint;
  readonly encodeStartNs: bigint;
  readonly encodeEndNs: bigint;
  readonly version: number;
}

export class InferenceDaemon {
  readonly bootId = randomUUID();
  readonly counters = new DaemonCounters();
  private readonly frames = new zmq.Subscriber({ conflate: true });
  private readonly results = new zmq.Publisher();
  private readonly control = new zmq.Router();
  private readonly sender: SerialSender;
  private readonly state: ControlState;
  private readonly lastDecodedNs = new Map<string, bigint>();
  private decodeMsEstimate: number | undefined;
  private running = true;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly epochNs = now();
  private readonly loops: Promise<void>[] = [];
  private latest: LatestEmbedding | undefined;
  private wake: (() => void) | undefined;
  private readonly objectRateHz = new Map<string, number>();
  /** Tracks the active prompts; rebuilt when the model changes (its mask inputs do not carry over). */
  private tracker: { tracker: Tracker; key: string } | undefined;
  private trackedPrompts: ControlState['prompts'] | undefined;
  /** Lost objects searched for in the previous cycle (searched every other cycle). */
  private searchedLastCycle = new Set<string>();
  /** The last frames received, for prompts placed on an earlier frame. */
  private readonly history = new FrameHistory<{ header: FrameHeader; frame: Frame }>(
    HISTORY_FRAMES,
  );
  /** Changed objects whose prompt names the frame it was placed on: objectId → frame seq. */
  private placedOn = new Map<string, number>();

  constructor(
    private readonly config: InferenceConfig,
    host: ModelHost,
    private readonly log: (line: string) => void,
  ) {
    this.state = { bootId: this.bootId, host, prompts: new Map(), paused: false };
    this.sender = new SerialSender(
      (m) => this.results.send(m),
      (e) => this.log(`publish failed: ${String(e)}`),
    );
  }

  async start(): Promise<void> {
    const { endpoints } = this.config;
    for (const e of [endpoints.results, endpoints.control, endpoints.frames]) ensureIpcDir(e);
    await this.results.bind(endpoints.results);
    await this.control.bind(endpoints.control);
    this.frames.connect(endpoints.frames);
    this.frames.subscribe();
    this.publishStatus();
    this.heartbeat = setInterval(() => this.publishStatus(), 1000);
    this.loops.push(this.controlLoop(), this.encodeLoop(), this.decodeLoop());
    this.log(
      `ready: boot ${this.bootId}, model ${this.state.host.modelId}, tick ${this.config.tickPeriodMs} ms, ${this.config.schedule}`,
    );
  }

  private publishStatus(): void {
    const info = this.state.host.info();
    this.sender.sendStatus(
      encodeEnvelope({
        v: PROTOCOL_VERSION,
        kind: 'status',
        bootId: this.bootId,
        modelId: info.modelId,
        modelSha256: info.modelSha256,
        executionProvider: info.encoderProvider,
        paused: this.state.paused,
        promptCount: this.state.prompts.size,
        tickPeriodMs: this.config.tickPeriodMs,
        stats: this.counters.snapshot(),
        objectUpdateRateHz: Object.fromEntries(
          [...this.state.prompts.keys()].map((id) => [
            id,
            Math.round((this.objectRateHz.get(id) ?? 0) * 10) / 10,
          ]),
        ),
      }),
    );
  }

  private async controlLoop(): Promise<void> {
    try {
      for await (const [identity, message] of this.control) {
        if (!identity || !message) continue;
        let reply;
        try {
          const { header } = decodeEnvelope(message);
          reply = await handleRequest(parseHeader(Request, header, 'control request'), this.state);
        } catch (e) {
          const id = peekRequestId(message);
          reply =
            e instanceof ProtocolError
              ? failure(id, e.code, e.message)
              : failure(id, 'INTERNAL', String(e));
        }
        await this.control.send([identity, encodeEnvelope(reply)]);
        if (reply.ok) {
          this.notify(); // prompts or pause state may have changed
          this.publishStatus();
        }
      }
    } catch (e) {
      if (this.running) this.log(`control loop stopped: ${String(e)}`);
    }
  }

  /** Wakes the decode loop: a new embedding or a new prompt set is there. */
  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Encoder side: the newest frame only; a frame older than one tick is skipped and counted. The
   * embedding replaces the previous one (the decode loop always works on the newest).
   */
  private async encodeLoop(): Promise<void> {
    while (this.running) {
      let message: Buffer | undefined;
      try {
        [message] = await this.frames.receive();
      } catch (e) {
        if (this.running) this.log(`frame receive failed: ${String(e)}`);
        return;
      }
      if (!message) continue;
      const receivedAtNs = now();
      this.counters.framesReceived += 1;
      let header: FrameHeader;
      let frame: Frame;
      try {
        const { header: raw, body } = decodeEnvelope(message);
        header = parseHeader(FrameHeader, raw, 'frame');
        frame = {
          width: header.width,
          height: header.height,
          channels: header.channels,
          data: body,
        };
      } catch (e) {
        this.log(`frame refused: ${e instanceof ProtocolError ? e.message : String(e)}`);
        continue;
      }
      this.history.add(header.seq, { header, frame });
      // With no prompts nothing is encoded: the last embedding grows old and must not seed the next
      // prompt (the decode loop waits for a fresh one).
      if (this.state.prompts.size === 0) this.latest = undefined;
      if (this.state.paused || this.state.prompts.size === 0) continue;
      const wait = delayBeforeCycleMs(
        this.config.schedule,
        receivedAtNs,
        this.epochNs,
        this.config.tickPeriodMs,
      );
      if (wait > 0) await sleep(wait);
      try {
        if (isStale(now(), BigInt(header.capturedAtNs), this.config.tickPeriodMs)) {
          this.counters.framesSkippedStale += 1;
          continue;
        }
        const encodeStartNs = now();
        const embedding = await this.state.host.encode(frame);
        const encodeEndNs = now();
        this.counters.encoded(encodeEndNs);
        this.latest = {
          embedding,
          grey: toGrey(frame),
          header,
          receivedAtNs,
          encodeStartNs,
          encodeEndNs,
          version: (this.latest?.version ?? 0) + 1,
        };
        this.notify();
      } catch (e) {
        this.log(
          `encode failed: ${isEngineError(e) || e instanceof ProtocolError ? e.message : String(e)}`,
        );
      }
    }
  }

  /**
   * Decoder side: decodes the active prompts on the newest embedding whenever there is a new one or
   * the prompts changed. With an encoder slower than the tick, decoding goes on with the newest
   * embedding and every mask names the frame it was computed on.
   */
  private async decodeLoop(): Promise<void> {
    let decodedVersion = 0;
    let decodedPrompts: ControlState['prompts'] | undefined;
    while (this.running) {
      const latest = this.latest;
      const fresh =
        latest !== undefined &&
        (latest.version !== decodedVersion || this.state.prompts !== decodedPrompts);
      if (!fresh || this.state.paused || this.state.prompts.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      decodedVersion = latest.version;
      decodedPrompts = this.state.prompts;
      try {
        await this.decodeAndPublish(latest);
      } catch (e) {
        this.log(`decode failed: ${isEngineError(e) ? e.message : String(e)}`);
      }
    }
  }

  private async decodeAndPublish(latest: LatestEmbedding): Promise<void> {
    const { embedding, header, encodeStartNs, encodeEndNs } = latest;
    const tick = this.config.tickPeriodMs;
    const tracker = this.trackerFor(trackerKey(embedding.modelSha256, header), header);
    let notYetSeen = new Set<string>();
    try {
      notYetSeen = await this.seedOnPlacedFrames(tracker, latest);
    } catch (e) {
      this.log(
        `seeding on the placed-on frame failed: ${isEngineError(e) ? e.message : String(e)}`,
      );
    }
    const sinceEncodeMs = Number(now() - encodeStartNs) / 1e6;
    const ids = [...this.state.prompts.keys()].filter((id) => !notYetSeen.has(id));
    const slots = ids.map((objectId) => {
      const track = tracker.state(objectId);
      return {
        objectId,
        lastDecodedNs: this.lastDecodedNs.get(objectId) ?? 0n,
        searching: track !== undefined && isProbe(track),
        searchedLastCycle: this.searchedLastCycle.has(objectId),
      };
    });
    const chosen = chooseObjects(
      slots,
      this.decodeMsEstimate ?? 3,
      Math.max(tick - sinceEncodeMs, 1),
    );
    this.searchedLastCycle = new Set(
      slots.filter((o) => o.searching && chosen.includes(o.objectId)).map((o) => o.objectId),
    );
    const objects: MaskObject[] = [];
    const bodies: Uint8Array[] = [];
    let offset = 0;
    const t0 = now();
    let reports: TrackReport[] = [];
    try {
      // Past the tick, objects get one decode each (no second hypothesis): all are still seen.
      const overBudget = () => Number(now() - encodeStartNs) / 1e6 > tick;
      reports = await tracker.step(embedding, latest.grey, chosen, overBudget);
    } catch (e) {
      this.log(`tracking failed: ${isEngineError(e) ? e.message : String(e)}`);
    }
    const t1 = now();
    for (const r of reports) {
      if (r.error) this.log(`object ${r.objectId}: ${r.error}`);
      const rle = r.mask ? encodeRle(r.mask.data) : new Uint8Array(0);
      objects.push({
        objectId: r.objectId,
        track: {
          state: r.state,
          quality: Math.round(r.quality * 1000) / 1000,
          ...(r.reason === undefined ? {} : { reason: r.reason }),
          ...(r.lastBox === undefined ? {} : { lastBox: { ...r.lastBox } }),
          framesSinceGood: r.framesSinceGood,
        },
        score: r.score,
        areaPx: r.area,
        rleOffset: offset,
        rleLength: rle.length,
      });
      bodies.push(rle);
      offset += rle.length;
      const previous = this.lastDecodedNs.get(r.objectId);
      if (previous !== undefined) {
        this.objectRateHz.set(
          r.objectId,
          ema(this.objectRateHz.get(r.objectId), 1e9 / Number(t1 - previous)),
        );
      }
      this.lastDecodedNs.set(r.objectId, t1);
    }
    if (reports.length > 0) {
      this.decodeMsEstimate = ema(this.decodeMsEstimate, Number(t1 - t0) / 1e6 / reports.length);
    }
    const decodeEndNs = now();
    this.counters.framesProcessed += 1;
    if (Number(decodeEndNs - encodeStartNs) / 1e6 > tick) this.counters.ticksOverrun += 1;
    const masks: MasksHeader = {
      v: PROTOCOL_VERSION,
      kind: 'masks',
      bootId: this.bootId,
      frameSeq: header.seq,
      capturedAtNs: header.capturedAtNs,
      receivedAtNs: latest.receivedAtNs.toString(),
      encodeStartNs: encodeStartNs.toString(),
      encodeEndNs: encodeEndNs.toString(),
      decodeEndNs: decodeEndNs.toString(),
      publishedAtNs: now().toString(),
      modelId: embedding.modelId,
      modelSha256: embedding.modelSha256,
      width: header.width,
      height: header.height,
      objects,
      stats: this.counters.snapshot(),
    };
    const bodyAll = new Uint8Array(offset);
    let at = 0;
    for (const b of bodies) {
      bodyAll.set(b, at);
      at += b.length;
    }
    await this.sender.sendMasks(encodeEnvelope(masks, bodyAll));
  }

  /** The tracker for this model, frame size and kind of frames, with the current prompt set applied. */
  private trackerFor(key: string, header: FrameHeader): Tracker {
    if (this.tracker?.key !== key) {
      const { params, gatePixelMm } = trackingSetupFor(this.state.host.info().family, header);
      const propagation = new PromptPropagation(this.state.host, params);
      const strategy =
        gatePixelMm === undefined
          ? propagation
          : new IntensityGatedStrategy(propagation, gatePixelMm);
      this.tracker = { tracker: new Tracker(strategy, params), key };
      this.trackedPrompts = undefined;
    }
    if (this.trackedPrompts !== this.state.prompts) {
      const changed = this.tracker.tracker.setPrompts([...this.state.prompts.values()]);
      this.trackedPrompts = this.state.prompts;
      for (const id of changed) {
        const seq = this.state.prompts.get(id)?.frameSeq;
        if (seq === undefined) this.placedOn.delete(id);
        else this.placedOn.set(id, seq);
      }
    }
    return this.tracker.tracker;
  }

  /**
   * Prompts placed on an earlier frame than the newest (a tablet shows a frame some time after it
   * was captured, and the anatomy moves meanwhile): their change is seeded on the frame they were
   * placed on, then tracked through up to CATCH_UP_FRAMES of the kept frames since; the cycle's
   * step then observes them on the newest frame. A frame no longer kept falls back to the newest.
   * Returns the objects placed on a frame newer than this cycle's: they wait for it.
   */
  private async seedOnPlacedFrames(
    tracker: Tracker,
    latest: LatestEmbedding,
  ): Promise<Set<string>> {
    const notYetSeen = new Set<string>();
    if (this.placedOn.size === 0) return notYetSeen;
    const bySeq = new Map<number, string[]>();
    for (const [id, seq] of this.placedOn) {
      if (tracker.state(id) !== undefined) bySeq.set(seq, [...(bySeq.get(seq) ?? []), id]);
    }
    this.placedOn = new Map();
    const newest = latest.header;
    for (const [seq, ids] of bySeq) {
      if (seq === newest.seq) continue; // placed on this cycle's frame: the cycle's step seeds it
      if (seq > newest.seq && seq - newest.seq <= HISTORY_FRAMES) {
        // A tablet showed a frame this cycle's embedding predates: seeded when it is encoded.
        for (const id of ids) {
          this.placedOn.set(id, seq);
          notYetSeen.add(id);
        }
        continue;
      }
      const placed = this.history.nearest(seq, PLACED_FRAME_MAX_GAP);
      // The nearest kept frame may be this cycle's own (or one received since): within the gap
      // allowed, the cycle's step seeds it.
      if (placed !== undefined && placed.seq >= newest.seq) continue;
      const usable =
        placed !== undefined &&
        placed.item.header.sourceId === newest.sourceId &&
        placed.item.header.width === newest.width &&
        placed.item.header.height === newest.height;
      if (!usable) {
        this.log(
          `prompt of ${ids.join(', ')} was placed on frame ${seq}, which is no longer kept: seeded on frame ${newest.seq}`,
        );
        continue;
      }
      const path = [placed, ...this.history.between(placed.seq, newest.seq, CATCH_UP_FRAMES)];
      for (const { item } of path) {
        const embedding = await this.state.host.encode(item.frame);
        if (embedding.modelSha256 !== latest.embedding.modelSha256) return notYetSeen; // switched
        await tracker.step(embedding, toGrey(item.frame), ids);
      }
      this.log(
        `prompt of ${ids.join(', ')} placed on frame ${seq}: seeded on frame ${placed.seq}, tracked through ${path.length - 1} kept frame(s) to frame ${newest.seq}`,
      );
    }
    return notYetSeen;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.sender.drain();
    this.frames.close();
    this.control.close();
    this.results.close();
    await Promise.allSettled(this.loops);
    await this.state.host.close();
  }
}
