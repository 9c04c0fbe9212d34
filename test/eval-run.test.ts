/**
 * `npm run eval`'s core on phantom frames it exports itself: the report's star-shaped fit beside the
 * model's Dice (no ../shared/data needed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEvalTable, runEval } from '../bench/eval/run-eval.ts';
import { exportPhantomFrames } from '../bench/phantom-export.ts';
import type { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';

describe('runEval on exported phantom frames', () => {
  let dir: string;
  let model: ModelPair;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pocus-eval-'));
    await exportPhantomFrames(dir, { seed: 17, count: 2, stride: 40, width: 256, height: 256 });
    model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 1 });
  });
  afterAll(async () => {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['point', 'box'] as const)(
    'reports, per object and on average, how well a star-shaped contour around the %s prompt could do',
    async (prompt) => {
      const report = await runEval(model, {
        imagesDir: dir,
        masksDir: dir,
        prompt,
        boxJitter: 0.4,
        seed: 1,
        clicks: 0,
      });
      expect(report.n).toBeGreaterThan(2);
      for (const o of report.perObject) {
        // Phantom structures are blobs: around a centre inside them, nearly all of each is star-shaped.
        expect(o.starFitDice).toBeGreaterThan(0.6);
        expect(o.starFitDice).toBeLessThanOrEqual(1);
      }
      const mean = report.perObject.reduce((s, o) => s + o.starFitDice, 0) / report.n;
      expect(report.starFitDice).toBeCloseTo(mean, 12);
      expect(formatEvalTable(report)).toMatch(/star fit Dice \d\.\d{3}/);
    },
  );
});
