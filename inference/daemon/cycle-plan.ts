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
  /** Lost and being searched for (nothing of it is shown). */
  readonly searching?: boolean;
  /** Searched for in the previous cycle. */
  readonly searchedLastCycle?: boolean;
}

/**
 * Picks the objects to decode this cycle: objects that are shown first, least recently decoded
 * first, as many as fit in `budgetMs` at `decodeMsEstimate` each (at least one); lost objects being
 * searched for come after them and are searched every other cycle (nothing of them is on screen,
 * and a search costs up to two decodes).
 */
export function chooseObjects(
  objects: readonly ObjectSlot[],
  decodeMsEstimate: number,
  budgetMs: number,
): string[] {
  const fit = Math.max(1, Math.floor(budgetMs / Math.max(decodeMsEstimate, 0.01)));
  const lru = (a: ObjectSlot, b: ObjectSlot) =>
    a.lastDecodedNs < b.lastDecodedNs ? -1 : a.lastDecodedNs > b.lastDecodedNs ? 1 : 0;
  const shown = objects.filter((o) => !o.searching).sort(lru);
  const searching = objects.filter((o) => o.searching);
  const due = searching.filter((o) => !o.searchedLastCycle).sort(lru);
  const chosen = [...shown, ...due].slice(0, fit);
  if (chosen.length === 0 && searching.length > 0) chosen.push([...searching].sort(lru)[0]!);
  const ids = new Set(chosen.map((o) => o.objectId));
  return objects.filter((o) => ids.has(o.objectId)).map((o) => o.objectId); // in the caller's order
}

/** Exponential moving average, for per-object decode cost and the encode rate. */
export function ema(previous: number | undefined, sample: number, weight = 0.2): number {
  return previous === undefined ? sample : previous + weight * (sample - previous);
}
