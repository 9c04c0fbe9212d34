/**
 * Policy: drift-free pacing: tick n is due at start + n × period (never "sleep one period after
 * the last frame"); when the next tick is already more than one period late, the ticks in between
 * are skipped and counted as dropped, and the newest due tick runs at once: never a catch-up burst.
 * Pure: times are CLOCK_MONOTONIC nanoseconds passed in.
 */

export interface TickPlan {
  /** The tick to run next. */
  readonly tick: number;
  /** When it is due, ns (may be in the past: run at once). */
  readonly dueNs: bigint;
  /** Ticks skipped to get there (0 when on time or less than a period late). */
  readonly dropped: number;
}

/** Tick period for `fps` frames per second, ns (rounded: under 0.5 ns of drift per frame). */
export function periodNsFor(fps: number): bigint {
  if (!(fps > 0)) throw new RangeError(`fps must be positive, got ${fps}`);
  return BigInt(Math.round(1e9 / fps));
}

/** The tick after `lastTick`, given the clock reads `nowNs`. */
export function planNextTick(
  startNs: bigint,
  periodNs: bigint,
  lastTick: number,
  nowNs: bigint,
): TickPlan {
  const next = lastTick + 1;
  const dueNs = startNs + BigInt(next) * periodNs;
  if (nowNs - dueNs <= periodNs) return { tick: next, dueNs, dropped: 0 };
  const tick = Number((nowNs - startNs) / periodNs);
  return { tick, dueNs: startNs + BigInt(tick) * periodNs, dropped: tick - next };
}

/**
 * The source frame shown at `tick`: replay follows the clock (a skipped tick skips its frame), loops
 * when `loop`, and ends (null) after the last frame otherwise; an endless source shows frame `tick`.
 */
export function sourceIndexForTick(
  tick: number,
  frameCount: number | null,
  loop: boolean,
): number | null {
  if (frameCount === null) return tick;
  if (loop) return tick % frameCount;
  return tick < frameCount ? tick : null;
}
