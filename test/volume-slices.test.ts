import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { isVolumeError, type VolumeErrorCode } from '../volume/errors.ts';
import { autoWindow, CT_SOFT_TISSUE_WINDOW, toGrey } from '../volume/intensity-window.ts';
import { sliceFileName, writeLabelSlicesPng } from '../volume/slice-png.ts';
import {
  extractSliceLabels,
  greySlice,
  labelSlice,
  setSliceLabels,
  sliceShape,
  type SliceAxis,
} from '../volume/slices.ts';
import { voxelIndex, type Volume, type VolumeGeometry } from '../volume/volume.ts';

const dir = mkdtempSync(join(tmpdir(), 'volume-slices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectCode(run: () => unknown, code: VolumeErrorCode): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(isVolumeError(error, code), String(error)).toBe(true);
}

const [NX, NY, NZ] = [5, 4, 3] as const;
const geometry: VolumeGeometry = {
  dims: [NX, NY, NZ],
  spacingMm: [1, 1, 1],
  affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
};
/** Voxel (i, j, k) holds i + 10 j + 100 k: every value names its voxel. */
const CODED = Float32Array.from({ length: NX * NY * NZ }, (_, n) => {
  const i = n % NX;
  const j = Math.floor(n / NX) % NY;
  const k = Math.floor(n / (NX * NY));
  return i + 10 * j + 100 * k;
});
const volume: Volume = { geometry, data: CODED, dataType: 'int16' };
/** Grey = value for values 0..255. */
const IDENTITY = { center: 127.5, width: 255 };
const AXES: SliceAxis[] = [0, 1, 2];

/** Deterministic pseudo-random labels 0..3. */
const LABELS = Uint8Array.from({ length: NX * NY * NZ }, (_, n) => ((n * 2654435761) % 7) % 4);

describe('slice orientation (voxel order, no flips)', () => {
  it('axis 2: columns i, rows j; axis 1: columns i, rows k; axis 0: columns j, rows k', () => {
    const cases: [SliceAxis, number, (r: number, c: number) => [number, number, number]][] = [
      [2, 1, (r, c) => [c, r, 1]],
      [1, 2, (r, c) => [c, 2, r]],
      [0, 3, (r, c) => [3, c, r]],
    ];
    for (const [axis, index, voxel] of cases) {
      const img = greySlice(volume, axis, index, IDENTITY);
      const shape = sliceShape(geometry, axis);
      expect([img.width, img.height]).toEqual([shape.width, shape.height]);
      for (let r = 0; r < img.height; r++) {
        for (let c = 0; c < img.width; c++) {
          const [i, j, k] = voxel(r, c);
          expect(img.data[r * img.width + c]).toBe(i + 10 * j + 100 * k);
        }
      }
    }
    expect(sliceShape(geometry, 0)).toEqual({ width: NY, height: NZ, count: NX });
    expect(sliceShape(geometry, 1)).toEqual({ width: NX, height: NZ, count: NY });
    expect(sliceShape(geometry, 2)).toEqual({ width: NX, height: NY, count: NZ });
  });
});

describe('intensity windows', () => {
  it('maps center ± width/2 to 0..255, clamped', () => {
    const w = { center: 40, width: 400 };
    expect([
      toGrey(-160, w),
      toGrey(40, w),
      toGrey(240, w),
      toGrey(-1000, w),
      toGrey(3000, w),
    ]).toEqual([0, 128, 255, 0, 255]);
  });
  it('CT (minimum below -500): the soft-tissue window', () => {
    const ct = Float32Array.from({ length: 1000 }, (_, n) => n * 3 - 1024);
    expect(autoWindow(ct)).toEqual(CT_SOFT_TISSUE_WINDOW);
  });
  it('otherwise the 1st to 99th percentile, ignoring outliers', () => {
    const mr = Float32Array.from({ length: 1001 }, (_, n) => n);
    mr[500] = 1e6; // one hot voxel does not stretch the window
    const w = autoWindow(mr);
    // nearest-rank percentiles of 0..1000 without 500, plus 1e6: 10 and 991
    expect(w).toEqual({ center: 500.5, width: 981 });
    const img = greySlice(
      { geometry: { ...geometry, dims: [1001, 1, 1] }, data: mr, dataType: 'float32' },
      2,
      0,
    );
    expect(img.data[0]).toBe(0);
    expect(img.data[1000]).toBe(255);
    expect(img.data[250]).toBeGreaterThan(60);
    expect(img.data[250]).toBeLessThan(68);
  });
  it('a constant volume gets a tiny positive width, not a division by zero', () => {
    const w = autoWindow(new Float32Array(10).fill(7));
    expect(w.center).toBe(7);
    expect(w.width).toBeGreaterThan(0);
  });
});

describe('labels: extract and set slices, round trip along every axis', () => {
  for (const axis of AXES) {
    it(`axis ${axis}: per-value masks rebuild the label volume`, () => {
      const rebuilt = new Uint8Array(LABELS.length);
      const { count } = sliceShape(geometry, axis);
      for (let index = 0; index < count; index++) {
        for (const value of [1, 2, 3]) {
          const mask = extractSliceLabels(LABELS, geometry, axis, index, value);
          expect(mask.data.every((m) => m === 0 || m === 1)).toBe(true);
          setSliceLabels(rebuilt, geometry, axis, index, mask, value);
        }
        expect(labelSlice(rebuilt, geometry, axis, index)).toEqual(
          labelSlice(LABELS, geometry, axis, index),
        );
      }
      expect(rebuilt).toEqual(LABELS);
    });
  }

  it('setSliceLabels touches only its slice and only where the mask is set', () => {
    const labels = new Uint8Array(LABELS.length).fill(9);
    const mask = { width: NX, height: NY, data: new Uint8Array(NX * NY) };
    mask.data[2 + NX * 3] = 1; // column i = 2, row j = 3
    setSliceLabels(labels, geometry, 2, 1, mask, 5);
    expect(labels[voxelIndex(geometry, 2, 3, 1)]).toBe(5);
    expect(labels.filter((v) => v !== 9)).toHaveLength(1);
  });

  it('bad axis, index, mask size, value or volume size are coded errors', () => {
    const labels = new Uint8Array(LABELS.length);
    const mask = { width: NX, height: NY, data: new Uint8Array(NX * NY) };
    expectCode(() => labelSlice(labels, geometry, 2, NZ), 'VOLUME_SLICE_INVALID');
    expectCode(() => labelSlice(labels, geometry, 0, -1), 'VOLUME_SLICE_INVALID');
    expectCode(() => labelSlice(labels, geometry, 1, 0.5), 'VOLUME_SLICE_INVALID');
    expectCode(() => labelSlice(labels, geometry, 3 as SliceAxis, 0), 'VOLUME_SLICE_INVALID');
    expectCode(() => greySlice(volume, 2, 0, { center: 0, width: 0 }), 'VOLUME_SLICE_INVALID');
    expectCode(() => setSliceLabels(labels, geometry, 1, 0, mask, 1), 'VOLUME_GEOMETRY_MISMATCH');
    expectCode(() => setSliceLabels(labels, geometry, 2, 0, mask, 256), 'VOLUME_SLICE_INVALID');
    expectCode(
      () => setSliceLabels(labels.subarray(1), geometry, 2, 0, mask, 1),
      'VOLUME_GEOMETRY_MISMATCH',
    );
    expectCode(() => extractSliceLabels([1, 2], geometry, 2, 0, 1), 'VOLUME_GEOMETRY_MISMATCH');
  });
});

describe('writeLabelSlicesPng', () => {
  it('one 8-bit grey PNG per slice, zero-padded names, label values kept', async () => {
    for (const axis of AXES) {
      const out = join(dir, `axis-${axis}`);
      const paths = await writeLabelSlicesPng(out, LABELS, geometry, axis);
      const { count } = sliceShape(geometry, axis);
      expect(readdirSync(out).sort()).toEqual(
        Array.from({ length: count }, (_, n) => `slice-${String(n).padStart(3, '0')}.png`),
      );
      for (const [index, path] of paths.entries()) {
        const png = readFileSync(path);
        expect([png[24], png[25]]).toEqual([8, 0]); // IHDR: bit depth 8, colour type 0 (grey)
        const { data, info } = await sharp(png)
          .toColourspace('b-w')
          .raw()
          .toBuffer({ resolveWithObject: true });
        const expected = labelSlice(LABELS, geometry, axis, index);
        expect([info.width, info.height, info.channels]).toEqual([
          expected.width,
          expected.height,
          1,
        ]);
        expect(new Uint8Array(data)).toEqual(expected.data);
      }
    }
  });

  it('names grow past three digits when needed', () => {
    expect(sliceFileName(7, 30)).toBe('slice-007.png');
    expect(sliceFileName(42, 1200)).toBe('slice-0042.png');
  });

  it('an unwritable folder is VOLUME_WRITE_FAILED', async () => {
    let error: unknown;
    try {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'not a folder');
      await writeLabelSlicesPng(join(file, 'slices'), LABELS, geometry, 2);
    } catch (e) {
      error = e;
    }
    expect(isVolumeError(error, 'VOLUME_WRITE_FAILED'), String(error)).toBe(true);
    await expect(writeLabelSlicesPng(dir, LABELS, geometry, 5 as SliceAxis)).rejects.toThrow(
      /^VOLUME_SLICE_INVALID/,
    );
  });
});
