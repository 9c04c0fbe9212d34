/**
 * Turns what the benchmark tablets recorded into latency distributions (pure). End-to-end latency
 * is a frame's capture time → arrival at a client of the mask computed on that frame; the first and
 * last 10 frames of each client are skipped.
 */
import type { MaskStages } from '../appliance/live/tablet-protocol.ts';
import { latencySummary, type LatencySummary } from './latency-summary.ts';

export interface RecordedFrame {
  readonly seq: number;
  readonly capturedAtNs: string;
  readonly receivedAtNs: string;
  readonly maskFrameSeq: number | null;
  readonly maskCapturedAtNs: string | null;
  readonly stages: MaskStages | null;
  readonly objectIds: readonly string[];
}

export const STAGES = [
  'captureToDaemon',
  'waitBeforeEncode',
  'encode',
  'decode',
  'publish',
  'daemonToAppliance',
  'applianceToClient',
] as const;
export type Stage = (typeof STAGES)[number];

export interface LatencyReport {
  readonly endToEndMs: LatencySummary;
  /**
   * The inference daemon's cycle for a frame: encode start → its masks published (encode, every
   * chosen object's decode and tracking, publish). End-to-end adds capture, transport and waits.
   */
  readonly daemonCycleMs: LatencySummary;
  readonly stages: Record<Stage, LatencySummary>;
  /** Age of the displayed mask when its frame reached the client (capture clock), ms. */
  readonly maskAgeMs: LatencySummary;
  readonly framesWithOwnMasks: number;
  readonly framesReceived: number;
}

const ms = (a: string, b: string): number => Number(BigInt(b) - BigInt(a)) / 1e6;

export function analyseClient(frames: readonly RecordedFrame[], skip = 10): LatencyReport {
  const window = frames.slice(skip, Math.max(skip, frames.length - skip));
  const e2e: number[] = [];
  const cycle: number[] = [];
  const age: number[] = [];
  const stages = Object.fromEntries(STAGES.map((s) => [s, [] as number[]])) as Record<
    Stage,
    number[]
  >;
  for (const f of window) {
    if (f.maskCapturedAtNs !== null) age.push(ms(f.maskCapturedAtNs, f.receivedAtNs));
    if (f.maskFrameSeq !== f.seq || f.objectIds.length === 0 || !f.stages) continue;
    const s = f.stages;
    e2e.push(ms(f.capturedAtNs, f.receivedAtNs));
    stages.captureToDaemon.push(ms(f.capturedAtNs, s.daemonReceivedAtNs));
    stages.waitBeforeEncode.push(ms(s.daemonReceivedAtNs, s.encodeStartNs));
    stages.encode.push(ms(s.encodeStartNs, s.encodeEndNs));
    stages.decode.push(ms(s.encodeEndNs, s.decodeEndNs));
    stages.publish.push(ms(s.decodeEndNs, s.publishedAtNs));
    cycle.push(ms(s.encodeStartNs, s.publishedAtNs));
    stages.daemonToAppliance.push(ms(s.publishedAtNs, s.applianceReceivedAtNs));
    stages.applianceToClient.push(ms(s.applianceReceivedAtNs, f.receivedAtNs));
  }
  return {
    endToEndMs: latencySummary(e2e),
    daemonCycleMs: latencySummary(cycle),
    stages: Object.fromEntries(STAGES.map((s) => [s, latencySummary(stages[s])])) as Record<
      Stage,
      LatencySummary
    >,
    maskAgeMs: latencySummary(age),
    framesWithOwnMasks: e2e.length,
    framesReceived: window.length,
  };
}

/** Least-squares slope of (t seconds, value) samples, per minute. */
export function slopePerMinute(samples: readonly { t: number; v: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((s, p) => s + p.t, 0) / n;
  const mv = samples.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}
