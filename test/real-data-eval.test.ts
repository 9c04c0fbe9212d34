/**
 * The built-in model on real ultrasound (../shared/data/us-images: DDTI thyroid nodules, HC18 fetal
 * heads), through the same evaluation as `npm run eval`, against the targets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval, type EvalReport } from '../bench/eval/run-eval.ts';
import type { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { sharedDataPath } from './support/shared-data.ts';

const ddti = sharedDataPath('us-images/ddti-thyroid');
const hc18 = sharedDataPath('us-images/hc18');
const sets =
  ddti && hc18 ? [`${ddti}/images:${ddti}/masks`, `${hc18}/images:${hc18}/annotations`] : [];

/** Object-weighted mean over both sets of a number taken from each report. */
function pooled(reports: EvalReport[], pick: (r: EvalReport) => number): number {
  const n = reports.reduce((s, r) => s + r.n, 0);
  return reports.reduce((s, r) => s + pick(r) * r.n, 0) / n;
}

describe.skipIf(sets.length === 0)('built-in model on real ultrasound (DDTI + HC18)', () => {
  let model: ModelPair;
  beforeAll(async () => {
    model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 1 });
  });
  afterAll(() => model.close());

  const run = (prompt: 'box' | 'point', boxJitter: number, clicks: number) =>
    Promise.all(
      sets.map((s) => {
        const [imagesDir, masksDir] = s.split(':') as [string, string];
        return runEval(model, { imagesDir, masksDir, prompt, boxJitter, seed: 1, clicks });
      }),
    );

  it('one positive point: mean Dice ≥ 0.70; ≥ 0.85 after three corrective clicks', async () => {
    const reports = await run('point', 0, 3);
    expect(reports.reduce((s, r) => s + r.n, 0)).toBe(16);
    expect(pooled(reports, (r) => r.meanDice)).toBeGreaterThanOrEqual(0.7);
    expect(pooled(reports, (r) => r.diceAfterClicks[2]!)).toBeGreaterThanOrEqual(0.85);
  });

  it('boxes loosened by up to 40 %: mean Dice ≥ 0.80 and ≥ 0.10 above the inscribed ellipse', async () => {
    const reports = await run('box', 0.4, 0);
    const dice = pooled(reports, (r) => r.meanDice);
    const prior = pooled(reports, (r) => r.baselineDice);
    expect(dice).toBeGreaterThanOrEqual(0.8);
    expect(dice - prior).toBeGreaterThanOrEqual(0.1);
  });
});
