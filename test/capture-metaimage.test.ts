import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isCaptureError, type CaptureErrorCode } from '../capture/errors.ts';
import { openMetaImageSource } from '../capture/sources/metaimage-source.ts';
import { parseMetaHeader } from '../capture/sources/metaimage/header.ts';
import { readMetaImage } from '../capture/sources/metaimage/read.ts';
import { sharedDataPath } from './support/shared-data.ts';

const dir = mkdtempSync(join(tmpdir(), 'capture-metaimage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const W = 5;
const H = 3;
const N = 4;
/** Deterministic pixels: frame f, row y, column x → (f * 50 + y * 10 + x) mod 256. */
const PIXELS = Uint8Array.from({ length: W * H * N }, (_, i) => {
  const f = Math.floor(i / (W * H));
  const r = i % (W * H);
  return (f * 50 + Math.floor(r / W) * 10 + (r % W)) % 256;
});
const M0 = Array.from({ length: 16 }, (_, i) => i + 0.5);
const M2 = Array.from({ length: 16 }, (_, i) => 1 - i);

/** A PLUS-style header for the W×H×N sequence, with `extra` lines before ElementDataFile. */
function header(extra: string[], dataFile = 'LOCAL', dims = `${W} ${H} ${N}`): string {
  return [
    'ObjectType = Image',
    'NDims = 3',
    'BinaryData = True',
    'BinaryDataByteOrderMSB = False',
    `DimSize = ${dims}`,
    'Kinds = domain domain list',
    'ElementSpacing = 0.2 0.3 1',
    'Offset = 1.5 -2 3',
    'TransformMatrix = 0 1 0 1 0 0 0 0 1',
    'ElementType = MET_UCHAR',
    `Seq_Frame0000_ImageToReferenceTransform = ${M0.join(' ')}`,
    'Seq_Frame0000_ImageToReferenceTransformStatus = OK',
    `Seq_Frame0000_ProbeToTrackerTransform = ${M2.join(' ')}`,
    'Seq_Frame0000_Timestamp = 12.5',
    `Seq_Frame0001_ImageToReferenceTransform = ${M0.join(' ')}`,
    'Seq_Frame0001_ImageToReferenceTransformStatus = INVALID',
    `Seq_Frame0002_ProbeToTrackerTransform = ${M2.join(' ')}`,
    ...extra,
    `ElementDataFile = ${dataFile}`,
    '',
  ].join('\n');
}

function write(name: string, ...parts: (string | Uint8Array)[]): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))),
  );
  return path;
}

async function expectCode(promise: Promise<unknown>, code: CaptureErrorCode): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(isCaptureError(e, code), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}, got success`);
}

async function expectSequence(path: string): Promise<void> {
  const source = await openMetaImageSource(path);
  expect([source.width, source.height, source.channels, source.frameCount]).toEqual([W, H, 1, N]);
  expect(source.geometry).toEqual({
    spacingMm: [0.2, 0.3],
    originMm: [1.5, -2, 3],
    direction: [0, 1, 0, 1, 0, 0, 0, 0, 1],
  });
  for (let f = 0; f < N; f++) {
    const frame = await source.frameAt(f);
    expect(frame.index).toBe(f);
    expect([...frame.pixels]).toEqual([...PIXELS.subarray(f * W * H, (f + 1) * W * H)]);
  }
  // frame 0: ImageToReference preferred over ProbeToTracker; frame 1: its only transform is
  // INVALID; frame 2: ProbeToTracker; frame 3: no fields at all
  const transforms = await Promise.all([0, 1, 2, 3].map((f) => source.frameAt(f)));
  expect(transforms.map((t) => t.probeTransformName)).toEqual([
    'ImageToReferenceTransform',
    undefined,
    'ProbeToTrackerTransform',
    undefined,
  ]);
  expect(transforms[0]?.probeTransform).toEqual(M0);
  expect(transforms[2]?.probeTransform).toEqual(M2);
  expect(() => source.frameAt(N)).toThrow(RangeError);
  await source.close();
}

describe('MetaImage header parsing', () => {
  it('reads Key = Value lines up to ElementDataFile; CRLF, blank lines, later duplicates win', () => {
    const text = 'NDims = 2\r\n\r\nKinds = a\nKinds = b b\r\nElementDataFile = LOCAL\r\n';
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0, 255, 10, 61])]);
    const h = parseMetaHeader(bytes, 'x.mha');
    expect(Object.fromEntries(h.fields)).toEqual({
      NDims: '2',
      Kinds: 'b b',
      ElementDataFile: 'LOCAL',
    });
    expect(h.dataOffset).toBe(text.length);
  });

  it('accepts an .mhd whose last line has no newline', () => {
    const h = parseMetaHeader(Buffer.from('NDims = 2\nElementDataFile = a.raw'), 'x.mhd');
    expect(h.fields.get('ElementDataFile')).toBe('a.raw');
  });

  it('refuses a header without ElementDataFile or with a line that is not Key = Value', () => {
    for (const text of ['NDims = 2\nDimSize = 1 1\n', 'NDims = 2\nthis is not a field\n']) {
      expect(() => parseMetaHeader(Buffer.from(text), 'x.mha')).toThrow(
        expect.objectContaining({ code: 'SOURCE_INVALID' }),
      );
    }
    const binary = Buffer.concat([Buffer.from('NDims = 2\n'), Buffer.from([0xff, 0xfe, 0x3d, 10])]);
    expect(() => parseMetaHeader(binary, 'x.mha')).toThrow(
      /binary data before any ElementDataFile/,
    );
  });
});

describe('MetaImage reading (files written here)', () => {
  it('reads an .mha with raw LOCAL data exactly: pixels, spacing, offset, per-frame transforms', async () => {
    await expectSequence(write('raw.mha', header([]), PIXELS));
  });

  it('reads a zlib-compressed .mha (CompressedData = True, CompressedDataSize)', async () => {
    const z = deflateSync(PIXELS);
    const extra = ['CompressedData = True', `CompressedDataSize = ${z.length}          `];
    await expectSequence(write('z.mha', header(extra), z));
  });

  it('reads a compressed .mha without CompressedDataSize', async () => {
    await expectSequence(write('z2.mha', header(['CompressedData = True']), deflateSync(PIXELS)));
  });

  it('reads an .mhd with a separate .raw file, also with HeaderSize and HeaderSize = -1', async () => {
    write('seq.raw', PIXELS);
    await expectSequence(write('seq.mhd', header([], 'seq.raw')));
    write('skip.raw', new Uint8Array(7).fill(99), PIXELS);
    await expectSequence(write('skip.mhd', header(['HeaderSize = 7'], 'skip.raw')));
    await expectSequence(write('end.mhd', header(['HeaderSize = -1'], 'skip.raw')));
    write('seq.zraw', deflateSync(PIXELS));
    await expectSequence(write('zseq.mhd', header(['CompressedData = True'], 'seq.zraw')));
  });

  it('reads a 2D image (NDims = 2) as a single frame', async () => {
    const text = 'NDims = 2\nDimSize = 5 3\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n';
    const source = await openMetaImageSource(write('still.mha', text, PIXELS.subarray(0, 15)));
    expect(source.frameCount).toBe(1);
    expect(source.geometry).toEqual({});
    expect([...(await source.frameAt(0)).pixels]).toEqual([...PIXELS.subarray(0, 15)]);
  });

  it('reads 3-channel data interleaved', async () => {
    const rgb = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 7);
    const text =
      'NDims = 2\nDimSize = 2 2\nElementNumberOfChannels = 3\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n';
    const source = await openMetaImageSource(write('rgb.mha', text, rgb));
    expect(source.channels).toBe(3);
    expect([...(await source.frameAt(0)).pixels]).toEqual([...rgb]);
  });

  it('converts MET_USHORT (big-endian) to uint8 by one linear window, and says so', async () => {
    const values = [100, 200, 300, 1100];
    const data = Buffer.alloc(8);
    values.forEach((v, i) => data.writeUInt16BE(v, i * 2));
    const text =
      'NDims = 3\nDimSize = 2 1 2\nElementType = MET_USHORT\nBinaryDataByteOrderMSB = True\nElementDataFile = LOCAL\n';
    const image = await readMetaImage(write('u16.mha', text, data));
    expect([...image.pixels]).toEqual([0, 26, 51, 255]);
    expect(image.notes.join()).toMatch(/MET_USHORT converted to uint8: values \[100, 1100\]/);
  });

  it('exposes DefaultFrameTransformName first and leaves out frames without transforms', async () => {
    const text = [
      'NDims = 3',
      'DimSize = 1 1 3',
      'ElementType = MET_UCHAR',
      'DefaultFrameTransformName = ToolToTrackerTransform',
      `Seq_Frame0000_ToolToTrackerTransform = ${M2.join(' ')}`,
      `Seq_Frame0000_ProbeToTrackerTransform = ${M0.join(' ')}`,
      `Seq_Frame0002_ToolToTrackerTransform = ${M0.join(' ')}`,
      'ElementDataFile = LOCAL',
      '',
    ].join('\n');
    const source = await openMetaImageSource(write('tool.mha', text, new Uint8Array([1, 2, 3])));
    const frames = await Promise.all([0, 1, 2].map((i) => source.frameAt(i)));
    expect(frames.map((f) => f.probeTransform)).toEqual([M2, undefined, M0]);
    expect(frames[0]?.probeTransformName).toBe('ToolToTrackerTransform');
  });
});

describe('MetaImage faults are coded errors', () => {
  const z = deflateSync(PIXELS);
  const cases: [string, string | Uint8Array, Uint8Array, CaptureErrorCode, RegExp][] = [
    [
      'missing-edf.mha',
      'NDims = 3\nDimSize = 5 3 4\nElementType = MET_UCHAR\n',
      PIXELS,
      'SOURCE_INVALID',
      /ElementDataFile/,
    ],
    [
      'garbage.mha',
      'NDims = 3\nhello world\nElementDataFile = LOCAL\n',
      PIXELS,
      'SOURCE_INVALID',
      /line 2/,
    ],
    [
      'nodims.mha',
      'NDims = 3\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n',
      PIXELS,
      'SOURCE_INVALID',
      /DimSize is missing/,
    ],
    [
      'baddims.mha',
      'NDims = 3\nDimSize = 5 x 4\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n',
      PIXELS,
      'SOURCE_INVALID',
      /DimSize/,
    ],
    [
      'badspacing.mha',
      header(['ElementSpacing = 0 1 1']),
      PIXELS,
      'SOURCE_INVALID',
      /ElementSpacing/,
    ],
    [
      'badmatrix.mha',
      header([`Seq_Frame0003_ProbeToTrackerTransform = 1 2 3`]),
      PIXELS,
      'SOURCE_INVALID',
      /16 numbers/,
    ],
    [
      'truncated.mha',
      header([]),
      PIXELS.subarray(0, 50),
      'SOURCE_INVALID',
      /truncated \(50 of 60 bytes\)/,
    ],
    [
      'ztrunc.mha',
      header(['CompressedData = True', `CompressedDataSize = ${z.length}`]),
      z.subarray(0, z.length - 5),
      'SOURCE_INVALID',
      /compressed data truncated/,
    ],
    [
      'zcut.mha',
      header(['CompressedData = True']),
      z.subarray(0, z.length - 5),
      'SOURCE_INVALID',
      /corrupt or truncated/,
    ],
    ['zjunk.mha', header(['CompressedData = True']), PIXELS, 'SOURCE_INVALID', /corrupt/],
    [
      'zshort.mha',
      header(['CompressedData = True'], 'LOCAL', `${W} ${H} ${N + 1}`),
      z,
      'SOURCE_INVALID',
      /truncated/,
    ],
    [
      'noraw.mhd',
      header([], 'absent.raw'),
      new Uint8Array(0),
      'SOURCE_INVALID',
      /absent\.raw.*ENOENT/,
    ],
    [
      'long.mha',
      header([]).replace('MET_UCHAR', 'MET_LONG_ARRAY'),
      PIXELS,
      'SOURCE_UNSUPPORTED',
      /MET_LONG_ARRAY/,
    ],
    [
      '4d.mha',
      'NDims = 4\nDimSize = 1 1 1 1\nElementType = MET_UCHAR\nElementDataFile = LOCAL\n',
      PIXELS,
      'SOURCE_UNSUPPORTED',
      /NDims = 4/,
    ],
    [
      'volume.mha',
      header([]).replace('domain domain list', 'domain domain domain'),
      PIXELS,
      'SOURCE_UNSUPPORTED',
      /volume/,
    ],
    ['list.mhd', header([], 'LIST'), new Uint8Array(0), 'SOURCE_UNSUPPORTED', /one-file-per-slice/],
    [
      'rgba.mha',
      header(['ElementNumberOfChannels = 4']),
      PIXELS,
      'SOURCE_UNSUPPORTED',
      /ElementNumberOfChannels/,
    ],
    ['ascii.mha', header(['BinaryData = False']), PIXELS, 'SOURCE_UNSUPPORTED', /ASCII/],
  ];
  it.each(cases)('%s is refused', async (name, head, data, code, message) => {
    const text = await expectCode(openMetaImageSource(write(name, head, data)), code);
    expect(text).toMatch(message);
  });

  it('a missing file is SOURCE_INVALID', async () => {
    await expectCode(openMetaImageSource(join(dir, 'nope.mha')), 'SOURCE_INVALID');
  });
});

describe('MetaImage real cine files (../shared/data/us-cine)', () => {
  const l14 = sharedDataPath('us-cine/BoneUltrasound_L14.igs.mha');
  const spine = sharedDataPath('us-cine/SpinePhantomFreehand.igs.mha');
  const prostate = sharedDataPath('us-cine/Prostate10_video.igs.mhd');

  it.skipIf(!l14)(
    'BoneUltrasound_L14: 820×616×21, zlib, per-frame ProbeToTracker transforms',
    async () => {
      const t0 = performance.now();
      const source = await openMetaImageSource(l14 ?? '');
      const readMs = performance.now() - t0;
      console.log(`BoneUltrasound_L14.igs.mha read + inflate: ${readMs.toFixed(0)} ms`);
      expect([source.width, source.height, source.frameCount, source.channels]).toEqual([
        820, 616, 21, 1,
      ]);
      expect(source.geometry.spacingMm).toEqual([1, 1]);
      const first = await source.frameAt(0);
      expect(first.pixels.length).toBe(820 * 616);
      expect(first.probeTransformName).toBe('ProbeToTrackerTransform');
      expect(first.probeTransform?.slice(0, 4)).toEqual([0.853646, -0.501315, 0.141319, 257.956]);
      expect(first.probeTransform?.slice(12)).toEqual([0, 0, 0, 1]);
      const last = await source.frameAt(20);
      expect(last.probeTransform).toHaveLength(16);
      // real ultrasound: not blank, and frames differ
      expect(first.pixels.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(100);
      expect(Buffer.compare(first.pixels, last.pixels)).not.toBe(0);
    },
  );

  it.skipIf(!spine)('SpinePhantomFreehand: 820×616×21', async () => {
    const source = await openMetaImageSource(spine ?? '');
    expect([source.width, source.height, source.frameCount]).toEqual([820, 616, 21]);
    expect((await source.frameAt(20)).probeTransform).toHaveLength(16);
  });

  it.skipIf(!prostate)(
    'Prostate10 (.mhd + .raw): 640×480×10, 0.3 mm, ToolToTracker by default',
    async () => {
      const t0 = performance.now();
      const source = await openMetaImageSource(prostate ?? '');
      console.log(
        `Prostate10_video.igs.mhd + .raw read: ${(performance.now() - t0).toFixed(0)} ms`,
      );
      expect([source.width, source.height, source.frameCount, source.channels]).toEqual([
        640, 480, 10, 1,
      ]);
      expect(source.geometry.spacingMm).toEqual([0.3, 0.3]);
      const frames = await Promise.all([0, 1, 2, 9].map((i) => source.frameAt(i)));
      expect(frames[0]?.probeTransformName).toBe('ToolToTrackerTransform');
      expect(frames[0]?.probeTransform).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
      // the file has no Seq_Frame0002 fields (its numbering jumps from 0001 to 0003)
      expect(frames[2]?.probeTransform).toBeUndefined();
      expect(frames[3]?.pixels.length).toBe(640 * 480);
    },
  );
});
