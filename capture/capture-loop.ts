/**
 * The paced capture loop: on each tick (pacing.ts) it takes the tick's frame from the source,
 * stamps it (CLOCK_MONOTONIC + wall clock), writes it into the ring and publishes it; a late tick
 * is skipped and counted, never queued. Ends on stop() or at the end of a non-looping replay.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildFrameHeader, type CapturedFrame } from './frame-header.ts';
import { periodNsFor, planNextTick, sourceIndexForTick } from './pacing.ts';
import type { FramePublisher } from './publisher.ts';
import { RateLog, type CaptureCounters } from './rate-log.ts';
import type { FrameRing } from './ring-buffer.ts';
import type { FrameSource } from './sources/types.ts';

export interface CaptureLoopOptions {
  readonly source: FrameSource;
  readonly ring: FrameRing<CapturedFrame>;
  readonly publisher: FramePublisher;
  readonly fps: number;
  readonly loop: boolean;
  readonly log: (line: string) => void;
}

export interface CaptureLoop {
  /** Ends the loop after the frame in progress, if any. */
  stop(): void;
  /** Settles when the loop has ended: its final counters, or the fault that ended it. */
  readonly done: Promise<CaptureCounters>;
}

const now = (): bigint => process.hrtime.bigint();

export function startCaptureLoop(options: CaptureLoopOptions): CaptureLoop {
  const { source, ring, publisher, fps, loop, log } = options;
  const abort = new AbortController();
  let framesDropped = 0;
  const counters = (): CaptureCounters => ({
    framesPublished: ring.stats().written,
    framesDropped,
    overwrittenUnread: ring.stats().overwrittenUnread,
  });

  const run = async (): Promise<CaptureCounters> => {
    const periodNs = periodNsFor(fps);
    const startNs = now();
    const rate = new RateLog(startNs);
    let plan = { tick: 0, dueNs: startNs, dropped: 0 };
    while (!abort.signal.aborted) {
      const waitMs = Number(plan.dueNs - now()) / 1e6;
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: abort.signal }).catch(() => {});
      if (abort.signal.aborted) break;
      const wokeNs = now();
      const index = sourceIndexForTick(plan.tick, source.frameCount, loop);
      if (index === null) break;
      const frame = await source.frameAt(index);
      const captured: CapturedFrame = {
        capturedAtNs: now(),
        wallTimeMs: Date.now(),
        ...(frame.probeTransform && { probeTransform: frame.probeTransform }),
        ...(frame.synthetic && { synthetic: frame.synthetic }),
      };
      const entry = ring.write(frame.pixels, captured);
      await publisher.send(buildFrameHeader(entry.seq, captured, source), entry.pixels);
      ring.markRead(entry.seq);
      const doneNs = now();
      rate.recordProduce(doneNs - wokeNs);
      plan = planNextTick(startNs, periodNs, plan.tick, doneNs);
      framesDropped += plan.dropped;
      const line = rate.lineAt(doneNs, counters());
      if (line) log(line);
    }
    return counters();
  };

  return { stop: () => abort.abort(), done: run() };
}
