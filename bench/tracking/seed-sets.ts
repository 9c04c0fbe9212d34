/**
 * The synthetic cines the tracking figures in docs/tracking.md are measured on, and what one row of
 * such a run reports (pure: aggregation and formatting, no I/O).
 */

/** Seeds looked at while the tracker and the built-in model were developed. */
export const DEVELOPMENT_SEEDS: readonly number[] = [
  101, 404, 505, 808, 909, 1001, 1212, 1313, 2024, 2121, 2323, 3030, 3131, 3232, 5050,
];

/** Seeds kept for checking (docs/tracking.md says how closely each has been looked at). */
export const HELD_OUT_SEEDS: readonly number[] = [4040, 4141, 4242];

/** The part of `npm run eval:tracking -- --json` a seed set is summarised from. */
export interface SeedRun {
  readonly seed: number;
  readonly meanDice: number;
  readonly inViewFrames: number;
  readonly inViewFramesDiceBelow08: number;
  readonly falseLosses: number;
  readonly lossDetectedWithinFrames: number | null;
  readonly reacquireFrames: number | null;
  readonly framesShownOutOfView: number;
  readonly framesShownOffObject: number;
}

/**
 * A set's figures: the counts summed over its seeds, the delays the worst over them (null when a loss
 * was never flagged or an object never re-acquired on some seed), and the mean over the seeds of
 * each seed's mean Dice (the figure docs/tracking.md quotes).
 */
export type SeedSetSummary = Omit<SeedRun, 'seed' | 'meanDice'> & {
  readonly seeds: number;
  readonly meanOfMeanDice: number;
};

/**
 * Sums and worst cases over the runs. As in one run's summary, a delay is null when a loss was never
 * flagged or an object never re-acquired (0: no such events), and one null makes the set's null.
 */
export function summarizeSeedRuns(runs: readonly SeedRun[]): SeedSetSummary {
  if (runs.length === 0) throw new RangeError('no seed runs to summarise');
  const sum = (pick: (r: SeedRun) => number) => runs.reduce((a, r) => a + pick(r), 0);
  const worst = (pick: (r: SeedRun) => number | null): number | null => {
    const values = runs.map(pick);
    return values.includes(null) ? null : Math.max(0, ...(values as number[]));
  };
  return {
    seeds: runs.length,
    meanOfMeanDice: sum((r) => r.meanDice) / runs.length,
    inViewFrames: sum((r) => r.inViewFrames),
    inViewFramesDiceBelow08: sum((r) => r.inViewFramesDiceBelow08),
    falseLosses: sum((r) => r.falseLosses),
    lossDetectedWithinFrames: worst((r) => r.lossDetectedWithinFrames),
    reacquireFrames: worst((r) => r.reacquireFrames),
    framesShownOutOfView: sum((r) => r.framesShownOutOfView),
    framesShownOffObject: sum((r) => r.framesShownOffObject),
  };
}

const delay = (v: number | null): string => (v === null ? 'never' : String(v));

/** One line per seed and a total line, as the CLI prints them. */
export function formatSeedTable(runs: readonly SeedRun[], total: SeedSetSummary): string[] {
  const row = (label: string, f: Omit<SeedRun, 'seed'>) =>
    [
      label.padEnd(6),
      f.meanDice.toFixed(3).padStart(9),
      `${f.inViewFramesDiceBelow08}/${f.inViewFrames}`.padStart(20),
      String(f.falseLosses).padStart(12),
      delay(f.lossDetectedWithinFrames).padStart(12),
      delay(f.reacquireFrames).padStart(11),
      String(f.framesShownOutOfView).padStart(9),
      String(f.framesShownOffObject).padStart(9),
    ].join(' ');
  return [
    'seed    meanDice  below 0.8 (in view)  falseLosses  lossFlagged  reacquired  shownOut  shownOff',
    ...runs.map((r) => row(String(r.seed), r)),
    row('all', { ...total, meanDice: total.meanOfMeanDice }),
  ];
}
