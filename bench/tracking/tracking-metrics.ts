/**
 * Scoring of a tracking run (pure). Input: per object, one record per frame from the frame it was
 * prompted on. Definitions (docs/evaluation.md, "Tracking"):
 * - in view: the ground truth says at least half of the object's full area is inside the field;
 * - a leave event is a frame in view → not in view; its loss is detected after d frames, where d is
 *   the first frame at or after the leave on which the tracker reports the object lost, minus the
 *   leave frame (0 when it was already lost, having been flagged at most `earlyFrames` before);
 * - a false loss is a transition to lost on an in-view frame that is not within `earlyFrames` of a
 *   leave event;
 * - a return event is a frame not in view → in view; re-acquisition takes the frames until the
 *   tracker shows a mask with Dice ≥ 0.5 again;
 * - a mask shown out of view: a frame the object is not in view but the tracker shows a mask
 *   (the frames of a leave's own detection delay, up to `earlyFrames`, are not counted again);
 * - a mask shown off the object: an in-view frame on which the tracker shows a mask of which more
 *   than half lies off the object (another structure presented as this one);
 * - Dice is 0 on an in-view frame where the tracker shows no mask. `minDiceInView` leaves out the
 *   frames between a return and its re-acquisition (at most `reacquireAllowance` of them: beyond it
 *   they count), `minDiceInViewStrict` leaves out nothing.
 */
export interface FrameRecord {
  readonly inView: boolean;
  /** The tracker shows no mask (state lost). */
  readonly lost: boolean;
  /** Dice of the shown mask against the ground truth (0 when lost); defined when in view. */
  readonly dice: number | undefined;
  /** Share of the shown mask's pixels on the object; defined when in view and a mask is shown. */
  readonly onObject?: number;
}

export interface ObjectScore {
  readonly objectId: string;
  readonly promptFrame: number;
  readonly framesInView: number;
  readonly framesTracked: number;
  readonly meanDice: number;
  readonly minDiceInView: number;
  readonly minDiceInViewStrict: number;
  /** Per leave event: frames until flagged lost (null: never flagged before it returned). */
  readonly lossDelays: readonly (number | null)[];
  readonly falseLosses: number;
  /** Per return event: frames until re-acquired (null: never). */
  readonly reacquireDelays: readonly (number | null)[];
  readonly framesDiceBelow08: number;
  /** Frames out of view on which a mask was shown (a wrong mask presented as current). */
  readonly framesShownOutOfView: number;
  /** In-view frames on which the mask shown lay mostly (over half) off the object. */
  readonly framesShownOffObject: number;
}

export interface MetricOptions {
  readonly earlyFrames: number;
  readonly reacquireAllowance: number;
}

export const DEFAULT_METRIC_OPTIONS: MetricOptions = { earlyFrames: 3, reacquireAllowance: 10 };

export function scoreObject(
  objectId: string,
  promptFrame: number,
  records: readonly FrameRecord[],
  options: MetricOptions = DEFAULT_METRIC_OPTIONS,
): ObjectScore {
  const n = records.length;
  const at = (i: number) => records[i]!;
  const leaves: number[] = [];
  const returns: number[] = [];
  for (let i = 1; i < n; i++) {
    if (at(i - 1).inView && !at(i).inView) leaves.push(i);
    if (!at(i - 1).inView && at(i).inView) returns.push(i);
  }
  const lossDelays = leaves.map((f) => {
    const nextReturn = returns.find((r) => r > f) ?? n;
    for (let g = f; g < nextReturn; g++) if (at(g).lost) return g - f; // 0: flagged on the leave frame or before it
    return null;
  });
  let falseLosses = 0;
  for (let g = 0; g < n; g++) {
    const startsLoss = at(g).lost && (g === 0 || !at(g - 1).lost);
    if (!startsLoss || !at(g).inView) continue;
    if (leaves.some((f) => f > g && f - g <= options.earlyFrames)) continue;
    falseLosses++;
  }
  const excused = new Set<number>();
  const reacquireDelays = returns.map((f) => {
    const nextLeave = leaves.find((l) => l > f) ?? n;
    for (let g = f; g < nextLeave; g++) {
      if (!at(g).lost && (at(g).dice ?? 0) >= 0.5) return g - f;
      if (g - f < options.reacquireAllowance) excused.add(g);
    }
    return null;
  });
  let shownOut = 0;
  for (let g = 0; g < n; g++) {
    if (at(g).inView || at(g).lost) continue;
    if (leaves.some((f) => g >= f && g - f < options.earlyFrames)) continue;
    shownOut++;
  }
  let sum = 0;
  let count = 0;
  let min = 1;
  let strict = 1;
  let tracked = 0;
  let below = 0;
  let offObject = 0;
  for (let g = 0; g < n; g++) {
    const r = at(g);
    if (!r.lost) tracked++;
    if (!r.inView) continue;
    if (!r.lost && r.onObject !== undefined && r.onObject < 0.5) offObject++;
    const d = r.dice ?? 0;
    sum += d;
    count++;
    strict = Math.min(strict, d);
    if (!excused.has(g)) min = Math.min(min, d);
    if (d < 0.8) below++;
  }
  return {
    objectId,
    promptFrame,
    framesInView: count,
    framesTracked: tracked,
    meanDice: count ? sum / count : 0,
    minDiceInView: count ? min : 0,
    minDiceInViewStrict: count ? strict : 0,
    lossDelays,
    falseLosses,
    reacquireDelays,
    framesDiceBelow08: below,
    framesShownOutOfView: shownOut,
    framesShownOffObject: offObject,
  };
}

export interface TrackingSummary {
  readonly objects: number;
  readonly meanDice: number;
  readonly minDiceInView: number;
  readonly minDiceInViewStrict: number;
  /** The worst loss delay over all leave events (null: a leave was never flagged; 0: no leaves). */
  readonly lossDetectedWithinFrames: number | null;
  readonly leaveEvents: number;
  readonly falseLosses: number;
  /** The worst re-acquisition delay (null: an object was never re-acquired; 0: no returns). */
  readonly reacquireFrames: number | null;
  readonly returnEvents: number;
  readonly inViewFramesDiceBelow08: number;
  readonly inViewFrames: number;
  readonly framesShownOutOfView: number;
  readonly framesShownOffObject: number;
}

const worst = (values: readonly (number | null)[]): number | null =>
  values.includes(null) ? null : Math.max(0, ...(values as number[]));

export function summarize(scores: readonly ObjectScore[]): TrackingSummary {
  const frames = scores.reduce((s, o) => s + o.framesInView, 0);
  const diceSum = scores.reduce((s, o) => s + o.meanDice * o.framesInView, 0);
  const losses = scores.flatMap((o) => o.lossDelays);
  const returns = scores.flatMap((o) => o.reacquireDelays);
  return {
    objects: scores.length,
    meanDice: frames ? diceSum / frames : 0,
    minDiceInView: Math.min(1, ...scores.map((o) => o.minDiceInView)),
    minDiceInViewStrict: Math.min(1, ...scores.map((o) => o.minDiceInViewStrict)),
    lossDetectedWithinFrames: worst(losses),
    leaveEvents: losses.length,
    falseLosses: scores.reduce((s, o) => s + o.falseLosses, 0),
    reacquireFrames: worst(returns),
    returnEvents: returns.length,
    inViewFramesDiceBelow08: scores.reduce((s, o) => s + o.framesDiceBelow08, 0),
    inViewFrames: frames,
    framesShownOutOfView: scores.reduce((s, o) => s + o.framesShownOutOfView, 0),
    framesShownOffObject: scores.reduce((s, o) => s + o.framesShownOffObject, 0),
  };
}
