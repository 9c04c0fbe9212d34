/**
 * Volume propagation through the real built-in model: a synthetic volume with a dark ellipsoid in
 * speckle-like noise (a Volume the test builds), prompted once on its largest slice; and, when
 * ../shared/data is present, the shared abdominal CT (loud skip without it; fails under CI=true).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVolumeEval } from '../bench/volume/run-volume-eval.ts';
import { seededRandom } from '../capture/phantom/index.ts';
import type { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';
import { readNifti, writeNiftiLabels } from '../volume/nifti.ts';
import { writeLabelSlicesPng } from '../volume/slice-png.ts';
import { sameGrid, type Volume } from '../volume/volume.ts';
import { REPO_ROOT } from './support/processes.ts';
import { sharedDataPath } from './support/shared-data.ts';

const run = promisify(execFile);

let model: ModelPair;
beforeAll(async () => {
  model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 1 });
});
afterAll(async () => {
  await model.close();
});

/** 96×80×24 voxels of 1×1×3 mm: tissue ~ 100 ± noise, an ellipsoid at 30 spanning slices 4..19. */
function ellipsoidVolume(): { image: Volume; reference: Volume } {
  const [nx, ny, nz] = [96, 80, 24];
  const rng = seededRandom(7);
  const data = new Float32Array(nx * ny * nz);
  const ref = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const u = (i - 50) / 22;
        const v = (j - 38) / 16;
        const w = (k - 11.5) / 8;
        const inside = u * u + v * v + w * w <= 1;
        const idx = i + nx * (j + ny * k);
        data[idx] = (inside ? 30 : 100) + 25 * (rng.next() - 0.5);
        ref[idx] = inside ? 1 : 0;
      }
    }
  }
  const geometry = {
    dims: [nx, ny, nz] as const,
    spacingMm: [1, 1, 3] as const,
    affine: [1, 0, 0, -48, 0, 1, 0, -40, 0, 0, 3, 10, 0, 0, 0, 1],
  };
  return {
    image: { geometry, data, dataType: 'float32' },
    reference: { geometry, data: ref, dataType: 'uint8' },
  };
}

describe('volume propagation (built-in model)', () => {
  it('propagates one box prompt through a synthetic volume and exports NIfTI and PNG slices on its grid', async () => {
    const { image, reference } = ellipsoidVolume();
    const r = await runVolumeEval(model, image, reference, {
      label: 1,
      axis: 2,
      params: trackingParamsFor('builtin'),
    });
    expect(r.slicesPrompted).toBe(1);
    expect(r.promptSlice).toBeGreaterThanOrEqual(11);
    expect(r.promptSlice).toBeLessThanOrEqual(12);
    expect(r.slicesSegmented).toBeGreaterThanOrEqual(r.referenceSlices - 4);
    expect(r.slicesSegmented).toBeLessThanOrEqual(r.referenceSlices + 2);
    expect(r.dice).toBeGreaterThan(0.8);

    const dir = await mkdtemp(join(tmpdir(), 'pocus-vol-'));
    try {
      await writeNiftiLabels(join(dir, 'labels.nii.gz'), r.labels, image);
      const back = await readNifti(join(dir, 'labels.nii.gz'));
      expect(sameGrid(back.geometry, image.geometry)).toBe(true);
      expect(Array.from(back.data, (v) => (v ? 1 : 0))).toEqual(Array.from(r.labels));
      const files = await writeLabelSlicesPng(join(dir, 'slices'), r.labels, image.geometry, 2);
      expect(files).toHaveLength(24);
      expect((await readdir(join(dir, 'slices'))).sort()[0]).toBe('slice-000.png');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('npm run volume:propagate', () => {
  it('prompts one slice of a NIfTI volume, writes labels on its grid and one PNG per slice; refuses bad usage', async () => {
    const { image, reference } = ellipsoidVolume();
    const dir = await mkdtemp(join(tmpdir(), 'pocus-vol-cli-'));
    try {
      // The synthetic volume as a uint8 NIfTI file (its grey levels fit in 0..255).
      const grey = Uint8Array.from(image.data, (v) => Math.max(0, Math.min(255, Math.round(v))));
      await writeNiftiLabels(join(dir, 'image.nii.gz'), grey, image);
      const out = join(dir, 'out');
      // One box on slice 11, written to `to`, with the extra flags.
      const propagate = (to: string, ...flags: string[]) =>
        run(
          'npx',
          [
            'tsx',
            'volume/propagate-cli.ts',
            '--image',
            join(dir, 'image.nii.gz'),
            '--slice',
            '11',
            '--box',
            '24,18,76,58',
            '--out',
            to,
            '--json',
            ...flags,
          ],
          { cwd: REPO_ROOT, env: { ...process.env, POCUS_EXECUTION_PROVIDERS: 'cpu' } },
        );
      const { stdout } = await propagate(out);
      const summary = JSON.parse(stdout.trim()) as {
        slicesSegmented: number;
        slicePngs: number;
        intensityBand: { low: number; high: number } | null;
      };
      expect(summary.slicePngs).toBe(24);
      // The object is dark (~30 of 0..255): its band starts at 0 and ends well below the tissue.
      expect(summary.intensityBand?.low).toBe(0);
      expect(summary.intensityBand?.high).toBeGreaterThan(30);
      expect(summary.intensityBand?.high).toBeLessThan(90);
      expect(summary.slicesSegmented).toBeGreaterThan(10);
      const labels = await readNifti(join(out, 'labels.nii.gz'));
      expect(sameGrid(labels.geometry, image.geometry)).toBe(true);
      let inter = 0;
      let a = 0;
      let b = 0;
      labels.data.forEach((v, i) => {
        const p = v ? 1 : 0;
        const t = reference.data[i] ? 1 : 0;
        inter += p & t;
        a += p;
        b += t;
      });
      expect((2 * inter) / (a + b)).toBeGreaterThan(0.8);
      const ungated = await propagate(join(dir, 'ungated'), '--no-intensity-gate');
      expect(JSON.parse(ungated.stdout.trim())).toMatchObject({ intensityBand: null });
      const usage = await run('npx', ['tsx', 'volume/propagate-cli.ts', '--image', 'x.nii'], {
        cwd: REPO_ROOT,
      }).then(
        () => 0,
        (e: { code?: number }) => e.code,
      );
      expect(usage).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('volume propagation on the shared abdominal CT (../shared/data/ct)', () => {
  const ct = sharedDataPath('ct/example_ct_sm.nii.gz');
  const seg = sharedDataPath('ct/example_seg.nii.gz');
  it.skipIf(!ct || !seg)(
    'segments liver, spleen and both kidneys from one prompted slice each at 3D Dice ≥ 0.8; the intensity gate is what gets the liver there',
    async () => {
      const [image, reference] = await Promise.all([readNifti(ct!), readNifti(seg!)]);
      const organs = { liver: 5, spleen: 1, 'right kidney': 2, 'left kidney': 3 };
      const dice: Record<string, number> = {};
      for (const [name, label] of Object.entries(organs)) {
        const r = await runVolumeEval(model, image, reference, {
          label,
          axis: 2,
          params: trackingParamsFor('builtin'),
        });
        dice[name] = r.dice;
        expect(r.intensityBand).toBeDefined();
        expect(r.slicesSegmented).toBeGreaterThan(10);
      }
      const ungated = await runVolumeEval(model, image, reference, {
        label: 5,
        axis: 2,
        params: trackingParamsFor('builtin'),
        gate: false,
      });
      console.log(
        `CT 3D Dice: ${Object.entries(dice)
          .map(([k, v]) => `${k} ${v.toFixed(3)}`)
          .join(', ')}; liver without the gate ${ungated.dice.toFixed(3)}`,
      );
      for (const v of Object.values(dice)) expect(v).toBeGreaterThanOrEqual(0.8);
      expect(ungated.intensityBand).toBeUndefined();
      expect(dice.liver! - ungated.dice).toBeGreaterThan(0.2);
    },
    120_000,
  );
});
