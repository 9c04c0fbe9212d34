/**
 * Pure scheduling decisions of the inference daemon. Policy: work only on the newest frame; a frame
 * older than one tick is never started (it is counted as skipped); when all objects do not fit in
 * the tick budget, the least recently updated ones are decoded first and the rest wait for the next
 * cycle (nothing queues).
 */
export type Schedule = 'free-running' | 'tick-aligned';

export function isStale(nowNs: bigint, capturedAtNs: bigint, tickPeriodMs: number): boolean {
  return nowNs - capturedAtNs > BigInt(Math.round(tickPeriodMs * 1e6));
}

/** How long to wait before starting a cycle: 0 when free-running, else until the next tick boundary. */
export function delayBeforeCycleMs(
  schedule: Schedule,
  nowNs: bigint,
  epochNs: bigint,
  tickPeriodMs: number,
): number {
  if (schedule === 'free-running') return 0;
  const periodNs = BigInt(Math.round(tickPeriodMs * 1e6));
  const into = (nowNs - epochNs) % periodNs;
  return into === 0n ? 0 : Number(periodNs - into) / 1e6;
}

export interface ObjectSlot {
  readonly objectId: string;
  /** Monotonic ns of its last decode, 0n if never. */
  readonly lastDecodedNs: bigint;
}

/**
 * Picks the objects to decode this cycle: all when they fit in `budgetMs` at `decodeMsEstimate`
 * each, else the least recently decoded that fit (at least one).
 */
export function chooseObjects(
  objects: readonly ObjectSlot[],
  decodeMsEstimate: number,
  budgetMs: number,
): string[] {
  const fit = Math.max(1, Math.floor(budgetMs / Math.max(decodeMsEstimate, 0.01)));
  if (objects.length <= fit) return objects.map((o) => o.objectId);
  return [...objects]
    .sort((a, b) =>
      a.lastDecodedNs < b.lastDecodedNs ? -1 : a.lastDecodedNs > b.lastDecodedNs ? 1 : 0,
    )
    .slice(0, fit)
    .map((o) => o.objectId);
}

/** Exponential moving average, for per-object decode cost and the encode rate. */
export function ema(previous: number | undefined, sample: number, weight = 0.2): number {
  return previous === undefined ? sample : previous + weight * (sample - previous);
}
