import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isVolumeError, type VolumeErrorCode } from '../volume/errors.ts';
import { autoWindow, CT_SOFT_TISSUE_WINDOW } from '../volume/intensity-window.ts';
import { columnNorms, linearDeterminant, qformAffine } from '../volume/nifti-affine.ts';
import { parseNiftiHeader } from '../volume/nifti-header.ts';
import { readNifti, writeNiftiLabels } from '../volume/nifti.ts';
import { sameGrid, voxelCount, type Volume, type VolumeGeometry } from '../volume/volume.ts';
import { sharedDataPath } from './support/shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'volume-nifti-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(p: Promise<unknown>, code: VolumeErrorCode): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(isVolumeError(error, code), String(error)).toBe(true);
}

// ---- hand-built NIfTI files -------------------------------------------------------------------

type Enc = 'uint8' | 'int16' | 'uint16' | 'float32' | 'float64';
const ENC: Record<Enc, { code: number; bytes: number }> = {
  uint8: { code: 2, bytes: 1 },
  int16: { code: 4, bytes: 2 },
  uint16: { code: 512, bytes: 2 },
  float32: { code: 16, bytes: 4 },
  float64: { code: 64, bytes: 8 },
};

function encode(values: readonly number[], type: Enc, le: boolean): Uint8Array {
  const size = ENC[type].bytes;
  const view = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, n) => {
    const o = n * size;
    if (type === 'uint8') view.setUint8(o, v);
    else if (type === 'int16') view.setInt16(o, v, le);
    else if (type === 'uint16') view.setUint16(o, v, le);
    else if (type === 'float32') view.setFloat32(o, v, le);
    else view.setFloat64(o, v, le);
  });
  return new Uint8Array(view.buffer);
}

interface Spec {
  dim: number[];
  type: Enc;
  datatype?: number;
  bitpix?: number;
  pixdim: number[];
  le?: boolean;
  sclSlope?: number;
  sclInter?: number;
  qformCode?: number;
  sformCode?: number;
  quatern?: number[];
  qoffset?: number[];
  srow?: number[];
  xyztUnits?: number;
  magic?: string;
}

function nifti1(spec: Spec, values: readonly number[]): Uint8Array {
  const le = spec.le ?? true;
  const head = new DataView(new ArrayBuffer(352));
  head.setInt32(0, 348, le);
  spec.dim.forEach((d, n) => head.setInt16(40 + 2 * n, d, le));
  head.setInt16(70, spec.datatype ?? ENC[spec.type].code, le);
  head.setInt16(72, spec.bitpix ?? ENC[spec.type].bytes * 8, le);
  spec.pixdim.forEach((p, n) => head.setFloat32(76 + 4 * n, p, le));
  head.setFloat32(108, 352, le);
  head.setFloat32(112, spec.sclSlope ?? 1, le);
  head.setFloat32(116, spec.sclInter ?? 0, le);
  head.setUint8(123, spec.xyztUnits ?? 2);
  head.setInt16(252, spec.qformCode ?? 0, le);
  head.setInt16(254, spec.sformCode ?? 0, le);
  (spec.quatern ?? [0, 0, 0]).forEach((q, n) => head.setFloat32(256 + 4 * n, q, le));
  (spec.qoffset ?? [0, 0, 0]).forEach((q, n) => head.setFloat32(268 + 4 * n, q, le));
  (spec.srow ?? []).forEach((s, n) => head.setFloat32(280 + 4 * n, s, le));
  [...(spec.magic ?? 'n+1')].forEach((ch, n) => head.setUint8(344 + n, ch.charCodeAt(0)));
  return Buffer.concat([new Uint8Array(head.buffer), encode(values, spec.type, le)]);
}

function nifti2(spec: Spec, values: readonly number[]): Uint8Array {
  const le = spec.le ?? true;
  const head = new DataView(new ArrayBuffer(544));
  head.setInt32(0, 540, le);
  [0x6e, 0x2b, 0x32, 0, 0x0d, 0x0a, 0x1a, 0x0a].forEach((b, n) => head.setUint8(4 + n, b));
  head.setInt16(12, ENC[spec.type].code, le);
  head.setInt16(14, ENC[spec.type].bytes * 8, le);
  spec.dim.forEach((d, n) => head.setBigInt64(16 + 8 * n, BigInt(d), le));
  spec.pixdim.forEach((p, n) => head.setFloat64(104 + 8 * n, p, le));
  head.setBigInt64(168, 544n, le);
  head.setFloat64(176, spec.sclSlope ?? 1, le);
  head.setFloat64(184, spec.sclInter ?? 0, le);
  head.setInt32(344, spec.qformCode ?? 0, le);
  head.setInt32(348, spec.sformCode ?? 0, le);
  (spec.srow ?? []).forEach((s, n) => head.setFloat64(400 + 8 * n, s, le));
  head.setInt32(500, spec.xyztUnits ?? 2, le);
  return Buffer.concat([new Uint8Array(head.buffer), encode(values, spec.type, le)]);
}

function put(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const DIM = [3, 4, 3, 2, 1, 1, 1, 1];
const N = 4 * 3 * 2;
const RAMP = Array.from({ length: N }, (_, n) => n - 5);
/** An oblique sform: rotation about z by 30°, spacing 0.5, 0.75, 2. */
const C = Math.cos(Math.PI / 6);
const S = Math.sin(Math.PI / 6);
const OBLIQUE_SROW = [0.5 * C, -0.75 * S, 0, 10, 0.5 * S, 0.75 * C, 0, -20, 0, 0, 2, 30];

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, n) => expect(Math.abs(v - (expected[n] ?? NaN)), `[${n}]`).toBeLessThan(tol));
}

/** The header of a written file, uncompressing when needed. */
function headerOf(path: string): ReturnType<typeof parseNiftiHeader> {
  const raw = readFileSync(path);
  return parseNiftiHeader(path.endsWith('.gz') ? gunzipSync(raw) : raw, path);
}

/** The grid fields a label file must copy from its source (all but dim[0] and dims 4..7). */
function gridFields(h: ReturnType<typeof parseNiftiHeader>): unknown {
  return {
    dims: h.dims,
    pixdim: h.pixdim.slice(0, 4),
    xyztUnits: h.xyztUnits,
    qformCode: h.qformCode,
    sformCode: h.sformCode,
    quatern: h.quatern,
    qoffset: h.qoffset,
    srow: h.srow,
  };
}

describe('readNifti: hand-built files', () => {
  it('int16 little-endian, qform only (qfac -1), scl_slope/scl_inter applied', async () => {
    const d = Math.SQRT1_2; // 90° about z
    const path = put(
      'qform.nii',
      nifti1(
        {
          dim: DIM,
          type: 'int16',
          pixdim: [-1, 0.5, 0.75, 2, 1, 1, 1, 1],
          sclSlope: 2,
          sclInter: -10,
          qformCode: 1,
          quatern: [0, 0, d],
          qoffset: [1, 2, 3],
        },
        RAMP,
      ),
    );
    const v = await readNifti(path);
    expect(v.dataType).toBe('int16');
    expect(v.geometry.dims).toEqual([4, 3, 2]);
    expect(v.geometry.spacingMm).toEqual([0.5, 0.75, 2]);
    expect(Array.from(v.data)).toEqual(RAMP.map((x) => 2 * x - 10));
    // R = rotation by 90° about z; columns scaled by 0.5, 0.75, and -2 (qfac -1)
    expectClose(v.geometry.affine, [0, -0.75, 0, 1, 0.5, 0, 0, 2, 0, 0, -2, 3, 0, 0, 0, 1]);
    expect(v.source?.grid.qformCode).toBe(1);
  });

  it('float32 big-endian: sform preferred over qform (nibabel), both kept', async () => {
    const path = put(
      'big-endian.nii',
      nifti1(
        {
          dim: DIM,
          type: 'float32',
          le: false,
          pixdim: [1, 0.5, 0.75, 2, 1, 1, 1, 1],
          qformCode: 2,
          sformCode: 1,
          quatern: [0, 0, 0],
          qoffset: [7, 8, 9],
          srow: OBLIQUE_SROW,
        },
        RAMP.map((x) => x / 4),
      ),
    );
    const v = await readNifti(path);
    expect(v.dataType).toBe('float32');
    expect(Array.from(v.data)).toEqual(RAMP.map((x) => x / 4));
    expectClose(v.geometry.affine, [...OBLIQUE_SROW, 0, 0, 0, 1]);
    expectClose(columnNorms(v.geometry.affine), v.geometry.spacingMm);
  });

  it('neither qform nor sform: nibabel base affine (x flipped, centred)', async () => {
    const path = put(
      'no-xform.nii',
      nifti1(
        { dim: DIM, type: 'uint8', pixdim: [1, 2, 3, 4] },
        RAMP.map((x) => x + 5),
      ),
    );
    const v = await readNifti(path);
    expectClose(v.geometry.affine, [-2, 0, 0, 3, 0, 3, 0, -3, 0, 0, 4, -2, 0, 0, 0, 1]);
  });

  it('NIfTI-2 uint16, and a 4D file with dim[4] = 1', async () => {
    const v2 = await readNifti(
      put(
        'v2.nii',
        nifti2(
          { dim: DIM, type: 'uint16', pixdim: [1, 1, 1, 1], sformCode: 1, srow: OBLIQUE_SROW },
          RAMP.map((x) => x + 500),
        ),
      ),
    );
    expect(v2.source?.grid.version).toBe(2);
    expect(v2.dataType).toBe('uint16');
    expect(Array.from(v2.data)).toEqual(RAMP.map((x) => x + 500));
    expectClose(v2.geometry.affine, [...OBLIQUE_SROW, 0, 0, 0, 1], 1e-12);
    const v4 = await readNifti(
      put(
        '4d.nii',
        nifti1(
          { dim: [4, 4, 3, 2, 1, 1, 1, 1], type: 'uint8', pixdim: [1, 1, 1, 1] },
          RAMP.map(() => 7),
        ),
      ),
    );
    expect(v4.geometry.dims).toEqual([4, 3, 2]);
  });

  it('spatial unit metres → mm in spacing and affine', async () => {
    const v = await readNifti(
      put(
        'metres.nii',
        nifti1(
          {
            dim: DIM,
            type: 'uint8',
            pixdim: [1, 0.001, 0.001, 0.002],
            xyztUnits: 1,
            sformCode: 1,
            srow: [0.001, 0, 0, 0.1, 0, 0.001, 0, 0, 0, 0, 0.002, 0],
          },
          RAMP.map(() => 0),
        ),
      ),
    );
    expectClose(v.geometry.spacingMm, [1, 1, 2]);
    expectClose(v.geometry.affine, [1, 0, 0, 100, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1], 1e-3);
  });

  it('qformAffine renormalises a 180° quaternion (a = 0)', () => {
    const m = qformAffine({
      dims: [1, 1, 1],
      pixdim: [1, 1, 1, 1],
      qformCode: 1,
      sformCode: 0,
      quatern: [1, 0, 0],
      qoffset: [0, 0, 0],
      srow: [],
    });
    expectClose(m, [1, 0, 0, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]);
  });
});

describe('writeNiftiLabels → readNifti round trip', () => {
  const geometry: VolumeGeometry = {
    dims: [4, 3, 2],
    spacingMm: [0.5, 0.75, 2],
    affine: [...OBLIQUE_SROW, 0, 0, 0, 1],
  };
  const labels = Uint8Array.from({ length: N }, (_, n) => (n * 7) % 5);

  for (const name of ['labels.nii', 'labels.nii.gz']) {
    it(`a volume without a NIfTI source (${name}): geometry as an aligned sform`, async () => {
      const like: Volume = { geometry, data: new Float32Array(N), dataType: 'float32' };
      const path = join(dir, name);
      await writeNiftiLabels(path, labels, like);
      if (name.endsWith('.gz'))
        expect(readFileSync(path).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
      const back = await readNifti(path);
      expect(back.dataType).toBe('uint8');
      expect(Array.from(back.data)).toEqual(Array.from(labels));
      expect(sameGrid(back.geometry, geometry, 1e-5)).toBe(true);
      const h = headerOf(path);
      expect([h.version, h.voxOffset, h.sformCode, h.qformCode, h.sclSlope, h.sclInter]).toEqual([
        1, 352, 2, 0, 1, 0,
      ]);
    });
  }

  it('copies qform and sform codes and parameters, pixdim and units from the source header', async () => {
    const source = put(
      'both-forms.nii.gz',
      gzipSync(
        nifti1(
          {
            dim: [4, 4, 3, 2, 1, 1, 1, 1],
            type: 'int16',
            pixdim: [-1, 0.5, 0.75, 2, 0.1, 1, 1, 1],
            qformCode: 1,
            sformCode: 4,
            quatern: [0.1, 0.2, 0.3],
            qoffset: [1, 2, 3],
            srow: OBLIQUE_SROW,
            xyztUnits: 2 | 8,
          },
          RAMP,
        ),
      ),
    );
    const like = await readNifti(source);
    for (const out of ['copy.nii', 'copy.nii.gz']) {
      const path = join(dir, out);
      await writeNiftiLabels(path, labels, like);
      const back = await readNifti(path);
      expect(back.geometry).toEqual(like.geometry);
      expect(gridFields(headerOf(path))).toEqual(gridFields(headerOf(source)));
      const raw = gunzipIfNeeded(path);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      expect(view.getInt16(40, true)).toBe(3); // dim[0]: the label volume is 3D
      expect(view.getInt16(68, true)).toBe(1002); // NIFTI_INTENT_LABEL
      expect(view.getInt16(70, true)).toBe(2); // uint8
      expect(view.getFloat32(124, true)).toBe(4); // cal_max = largest label
      expect(raw.subarray(148, 166).toString('latin1')).toBe('pocus label volume');
      expect(raw.subarray(344, 348)).toEqual(Buffer.from('n+1\0', 'latin1'));
      expect(raw.length).toBe(352 + N);
    }
  });

  it('a NIfTI-2 source: the labels are NIfTI-1 on the same grid', async () => {
    const like = await readNifti(
      put(
        'v2-like.nii',
        nifti2(
          { dim: DIM, type: 'uint8', pixdim: [1, 0.5, 0.75, 2], sformCode: 1, srow: OBLIQUE_SROW },
          RAMP.map(() => 1),
        ),
      ),
    );
    const path = join(dir, 'from-v2.nii');
    await writeNiftiLabels(path, labels, like);
    const back = await readNifti(path);
    expect(back.source?.grid.version).toBe(1);
    expect(sameGrid(back.geometry, like.geometry, 1e-5)).toBe(true);
  });
});

function gunzipIfNeeded(path: string): Buffer {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

describe('readNifti / writeNiftiLabels: bad input is a coded error', () => {
  const good = nifti1({ dim: DIM, type: 'int16', pixdim: [1, 1, 1, 1] }, RAMP);

  it('a missing file is VOLUME_UNREADABLE', async () => {
    await expectCode(readNifti(join(dir, 'nope.nii')), 'VOLUME_UNREADABLE');
  });
  it('an empty or too-short file is VOLUME_UNREADABLE', async () => {
    await expectCode(readNifti(put('empty.nii', new Uint8Array(0))), 'VOLUME_UNREADABLE');
    await expectCode(readNifti(put('short.nii', good.subarray(0, 200))), 'VOLUME_UNREADABLE');
  });
  it('truncated voxel data is VOLUME_UNREADABLE', async () => {
    await expectCode(
      readNifti(put('trunc.nii', good.subarray(0, good.length - 1))),
      'VOLUME_UNREADABLE',
    );
  });
  it('a truncated or corrupt .nii.gz is VOLUME_UNREADABLE', async () => {
    const gz = gzipSync(good);
    await expectCode(
      readNifti(put('trunc.nii.gz', gz.subarray(0, gz.length - 10))),
      'VOLUME_UNREADABLE',
    );
    const bad = Buffer.from(gz);
    bad.fill(0xff, 10, 30);
    await expectCode(readNifti(put('corrupt.nii.gz', bad)), 'VOLUME_UNREADABLE');
  });
  it('a file that is not NIfTI, or a .hdr/.img header, is VOLUME_FORMAT_UNSUPPORTED', async () => {
    await expectCode(
      readNifti(put('text.nii', Buffer.from('ObjectType = Image\n'.repeat(40)))),
      'VOLUME_FORMAT_UNSUPPORTED',
    );
    const hdr = nifti1({ dim: DIM, type: 'int16', pixdim: [1, 1, 1, 1], magic: 'ni1' }, []);
    await expectCode(readNifti(put('pair.hdr', hdr)), 'VOLUME_FORMAT_UNSUPPORTED');
  });
  it('an unsupported datatype (complex64, rgb24) is VOLUME_FORMAT_UNSUPPORTED', async () => {
    for (const [datatype, bitpix] of [
      [32, 64],
      [128, 24],
    ] as const) {
      const bytes = nifti1(
        { dim: DIM, type: 'uint8', datatype, bitpix, pixdim: [1, 1, 1, 1] },
        new Array<number>(N * 8).fill(0),
      );
      await expectCode(readNifti(put(`type-${datatype}.nii`, bytes)), 'VOLUME_FORMAT_UNSUPPORTED');
    }
  });
  it('bitpix contradicting the datatype is VOLUME_UNREADABLE', async () => {
    const bytes = nifti1({ dim: DIM, type: 'int16', bitpix: 8, pixdim: [1, 1, 1, 1] }, RAMP);
    await expectCode(readNifti(put('bitpix.nii', bytes)), 'VOLUME_UNREADABLE');
  });
  it('2D images and 4D series are VOLUME_FORMAT_UNSUPPORTED; bad dims VOLUME_UNREADABLE', async () => {
    const twoD = nifti1(
      { dim: [2, 4, 6, 1, 1, 1, 1, 1], type: 'int16', pixdim: [1, 1, 1, 1] },
      RAMP,
    );
    await expectCode(readNifti(put('2d.nii', twoD)), 'VOLUME_FORMAT_UNSUPPORTED');
    const series = nifti1(
      { dim: [4, 4, 3, 1, 2, 1, 1, 1], type: 'int16', pixdim: [1, 1, 1, 1] },
      RAMP,
    );
    await expectCode(readNifti(put('4d-series.nii', series)), 'VOLUME_FORMAT_UNSUPPORTED');
    const zero = nifti1(
      { dim: [3, 4, 0, 2, 1, 1, 1, 1], type: 'int16', pixdim: [1, 1, 1, 1] },
      RAMP,
    );
    await expectCode(readNifti(put('zero-dim.nii', zero)), 'VOLUME_UNREADABLE');
    const zeroPixdim = nifti1({ dim: DIM, type: 'int16', pixdim: [1, 1, 0, 1] }, RAMP);
    await expectCode(readNifti(put('zero-pixdim.nii', zeroPixdim)), 'VOLUME_UNREADABLE');
  });
  it('labels of the wrong size are VOLUME_GEOMETRY_MISMATCH; bad paths are refused', async () => {
    const like = await readNifti(put('like.nii', good));
    await expectCode(
      writeNiftiLabels(join(dir, 'x.nii'), new Uint8Array(N - 1), like),
      'VOLUME_GEOMETRY_MISMATCH',
    );
    await expectCode(
      writeNiftiLabels(join(dir, 'x.nrrd'), new Uint8Array(N), like),
      'VOLUME_FORMAT_UNSUPPORTED',
    );
    await expectCode(
      writeNiftiLabels(join(dir, 'no', 'such', 'x.nii'), new Uint8Array(N), like),
      'VOLUME_WRITE_FAILED',
    );
    expect(voxelCount(like.geometry)).toBe(N);
  });
});

describe('real CT volume and label map (../shared/data/ct)', () => {
  const ctPath = sharedDataPath('ct/example_ct_sm.nii.gz');
  const segPath = sharedDataPath('ct/example_seg.nii.gz');

  it.skipIf(!ctPath || !segPath)(
    '122×101×30 at 3 mm, int16 CT; the label map is on the same grid',
    async () => {
      const ct = await readNifti(ctPath ?? '');
      const seg = await readNifti(segPath ?? '');
      expect(ct.geometry.dims).toEqual([122, 101, 30]);
      expect(ct.geometry.spacingMm).toEqual([3, 3, 3]);
      expect(ct.dataType).toBe('int16');
      expect(sameGrid(ct.geometry, seg.geometry, 0)).toBe(true);
      // sform_code 2 (aligned), identity orientation at 3 mm: RAS+ axes, origin at the first voxel
      expect(ct.source?.grid.sformCode).toBe(2);
      expectClose(
        ct.geometry.affine,
        [3, 0, 0, -177.956329, 0, 3, 0, 11.319, 0, 0, 3, 94.301758, 0, 0, 0, 1],
      );
      expect(linearDeterminant(ct.geometry.affine)).toBeCloseTo(27, 6);
      expectClose(columnNorms(ct.geometry.affine), ct.geometry.spacingMm);
      // Hounsfield units: air near -1000, so the automatic window is the soft-tissue window
      expect(Math.min(...ct.data.subarray(0, 5000))).toBeLessThan(-500);
      expect(autoWindow(ct.data)).toEqual(CT_SOFT_TISSUE_WINDOW);
      const labelValues = new Set(seg.data);
      expect(labelValues.has(0)).toBe(true);
      expect(labelValues.size).toBeGreaterThan(1);
      expect([...labelValues].every((v) => Number.isInteger(v) && v >= 0 && v < 256)).toBe(true);
    },
  );

  it.skipIf(!ctPath || !segPath)(
    'labels written like the CT read back on an identical grid',
    async () => {
      const ct = await readNifti(ctPath ?? '');
      const seg = await readNifti(segPath ?? '');
      const labels = Uint8Array.from(seg.data);
      const path = join(dir, 'ct-labels.nii.gz');
      await writeNiftiLabels(path, labels, ct);
      const back = await readNifti(path);
      expect(back.geometry).toEqual(ct.geometry);
      expect(Buffer.compare(Buffer.from(Uint8Array.from(back.data)), Buffer.from(labels))).toBe(0);
      expect(gridFields(headerOf(path))).toEqual(gridFields(headerOf(ctPath ?? '')));
    },
  );
});
