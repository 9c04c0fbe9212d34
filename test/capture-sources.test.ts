import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { autoWindow } from '../volume/intensity-window.ts';
import { readNifti, writeNiftiLabels } from '../volume/nifti.ts';
import { greySlice } from '../volume/slices.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCaptureError, type CaptureErrorCode } from '../capture/errors.ts';
import { buildFrameHeader } from '../capture/frame-header.ts';
import { createPhantom } from '../capture/phantom/index.ts';
import { openSource } from '../capture/sources/open-source.ts';
import { parseSourceSpec } from '../capture/sources/spec.ts';
import type { FrameSource } from '../capture/sources/types.ts';
import { FrameHeader, parseHeader } from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';

const OPTIONS = { width: 128, height: 96, phantomSeed: 7 };
const dir = mkdtempSync(join(tmpdir(), 'capture-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectCode(promise: Promise<unknown>, code: CaptureErrorCode): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(isCaptureError(e, code), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected ${code}, got a source`);
}

/** A wire header for frame `index` of `source`, checked against the FrameHeader schema. */
async function headerOf(source: FrameSource, index: number, seq = 0): Promise<FrameHeader> {
  const frame = await source.frameAt(index);
  const header = buildFrameHeader(
    seq,
    {
      capturedAtNs: process.hrtime.bigint(),
      wallTimeMs: Date.now(),
      ...(frame.probeTransform && { probeTransform: frame.probeTransform }),
      ...(frame.synthetic && { synthetic: frame.synthetic }),
    },
    source,
  );
  return parseHeader(FrameHeader, JSON.parse(JSON.stringify(header)), 'frame');
}

describe('synthetic source', () => {
  it('is the phantom: deterministic, endless, grey, seed and index in every header', async () => {
    const source = await openSource('synthetic', OPTIONS);
    expect(source.id).toBe('synthetic:seed=7');
    expect([source.width, source.height, source.channels, source.frameCount]).toEqual([
      128,
      96,
      1,
      null,
    ]);
    const a = await source.frameAt(5);
    const b = await source.frameAt(5);
    expect(Buffer.compare(a.pixels, b.pixels)).toBe(0);
    const phantom = createPhantom({ width: 128, height: 96, seed: 7 }).frame(5).image;
    expect(Buffer.compare(a.pixels, phantom)).toBe(0);
    expect(a.synthetic).toEqual({ seed: 7, index: 5, structureCount: 5 });
    const more = await openSource('synthetic', { ...OPTIONS, phantomStructures: 9 });
    const nine = createPhantom({ width: 128, height: 96, seed: 7, structureCount: 9 }).frame(5);
    expect(Buffer.compare((await more.frameAt(5)).pixels, nine.image)).toBe(0);
    expect((await more.frameAt(5)).synthetic).toEqual({ seed: 7, index: 5, structureCount: 9 });
    const other = await openSource('synthetic', { ...OPTIONS, phantomSeed: 8 });
    expect(Buffer.compare((await other.frameAt(5)).pixels, a.pixels)).not.toBe(0);

    const header = await headerOf(source, 1234, 3);
    expect(header).toMatchObject({
      v: PROTOCOL_VERSION,
      kind: 'frame',
      seq: 3,
      width: 128,
      height: 96,
      pixelType: 'uint8',
      channels: 1,
      sourceId: 'synthetic:seed=7',
      synthetic: { seed: 7, index: 1234, structureCount: 5 },
    });
    expect(header.capturedAtNs).toMatch(/^\d+$/);
    for (const absent of ['spacingMm', 'originMm', 'direction', 'probeTransform'] as const) {
      expect(header).not.toHaveProperty(absent);
    }
    expect(() => source.frameAt(-1)).toThrow(RangeError);
  });
});

describe('PNG folder source', () => {
  const grey = (v: number) => Uint8Array.from({ length: 6 * 4 }, (_, i) => (v + i * 3) % 256);
  const png = (path: string, pixels: Uint8Array, channels: 1 | 2 | 3 | 4, w = 6, h = 4) =>
    sharp(Buffer.from(pixels), { raw: { width: w, height: h, channels } })
      .toColourspace(channels <= 2 ? 'b-w' : 'srgb')
      .png()
      .toFile(path);

  beforeAll(async () => {
    mkdirSync(join(dir, 'grey'));
    // natural order: frame2 before frame10; a non-PNG file is ignored
    await png(join(dir, 'grey', 'frame10.png'), grey(30), 1);
    await png(join(dir, 'grey', 'frame2.png'), grey(20), 1);
    await png(join(dir, 'grey', 'frame1.png'), grey(10), 1);
    writeFileSync(join(dir, 'grey', 'notes.txt'), 'not a frame');
    mkdirSync(join(dir, 'rgba'));
    const rgba = Uint8Array.from({ length: 6 * 4 * 4 }, (_, i) => (i % 4 === 3 ? 128 : i));
    await png(join(dir, 'rgba', 'a.png'), rgba, 4);
    mkdirSync(join(dir, 'mixed'));
    await png(join(dir, 'mixed', 'a.png'), grey(1), 1);
    await png(join(dir, 'mixed', 'b.png'), new Uint8Array(8 * 4), 1, 8, 4);
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'deep'));
    await sharp(Buffer.from(grey(40)), { raw: { width: 6, height: 4, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(join(dir, 'deep', 'a16.png'));
    const greyAlpha = Uint8Array.from({ length: 6 * 4 * 2 }, (_, i) =>
      i % 2 ? 200 : (grey(50)[i / 2] ?? 0),
    );
    await png(join(dir, 'deep', 'b-alpha.png'), greyAlpha, 2);
  });

  it('reads grey PNGs in natural name order as 1 channel, pixel-exact', async () => {
    const source = await openSource(join(dir, 'grey'), OPTIONS);
    expect([source.width, source.height, source.channels, source.frameCount]).toEqual([6, 4, 1, 3]);
    expect(source.id).toBe('file:grey/');
    for (const [i, v] of [10, 20, 30].entries()) {
      expect([...(await source.frameAt(i)).pixels]).toEqual([...grey(v)]);
    }
    const header = await headerOf(source, 2);
    expect(header).toMatchObject({ width: 6, height: 4, channels: 1 });
    expect(header).not.toHaveProperty('synthetic');
  });

  it('reads colour PNGs as 3 channels, dropping alpha', async () => {
    const source = await openSource(`file:${join(dir, 'rgba')}`, OPTIONS);
    expect(source.channels).toBe(3);
    const { pixels } = await source.frameAt(0);
    expect(pixels.length).toBe(6 * 4 * 3);
    expect([...pixels.subarray(0, 6)]).toEqual([0, 1, 2, 4, 5, 6]);
  });

  it('reduces 16-bit grey to 8 bits and drops a grey alpha channel: still 1 channel', async () => {
    const source = await openSource(join(dir, 'deep'), OPTIONS);
    expect([source.channels, source.frameCount]).toEqual([1, 2]);
    expect([...(await source.frameAt(0)).pixels]).toEqual([...grey(40)]);
    expect([...(await source.frameAt(1)).pixels]).toEqual([...grey(50)]);
  });

  it('refuses frames of different sizes and folders without PNGs (SOURCE_INVALID)', async () => {
    expect(await expectCode(openSource(join(dir, 'mixed'), OPTIONS), 'SOURCE_INVALID')).toMatch(
      /b\.png is 8×4, the first frame 6×4/,
    );
    expect(await expectCode(openSource(join(dir, 'empty'), OPTIONS), 'SOURCE_INVALID')).toMatch(
      /no \.png files/,
    );
  });
});

describe('source specs', () => {
  it('parses synthetic, paths and file: paths', () => {
    expect(parseSourceSpec('synthetic')).toEqual({ kind: 'synthetic' });
    expect(parseSourceSpec(' /data/cine.mha ')).toEqual({ kind: 'path', path: '/data/cine.mha' });
    expect(parseSourceSpec('file:///data/x')).toEqual({ kind: 'path', path: '/data/x' });
    expect(parseSourceSpec('file:rel/x.mhd')).toEqual({ kind: 'path', path: 'rel/x.mhd' });
  });

  it.each([
    ['igtl://localhost:18944', /OpenIGTLink .* not built yet/],
    ['openigtlink://10.0.0.2:18944', /OpenIGTLink/],
    ['v4l2:/dev/video0', /V4L2 frame grabber capture is not built yet/],
    ['rtsp://camera/stream', /unknown source kind "rtsp:"/],
  ])('%s is SOURCE_UNSUPPORTED, never a fallback', async (spec, message) => {
    expect(await expectCode(openSource(spec, OPTIONS), 'SOURCE_UNSUPPORTED')).toMatch(message);
  });

  it('a file of another format is SOURCE_UNSUPPORTED', async () => {
    writeFileSync(join(dir, 'scan.dcm'), 'x');
    expect(
      await expectCode(openSource(join(dir, 'scan.dcm'), OPTIONS), 'SOURCE_UNSUPPORTED'),
    ).toMatch(/format "\.dcm"/);
  });

  it('replays a NIfTI volume as its slices along the third axis; a corrupt one is SOURCE_INVALID', async () => {
    const [nx, ny, nz] = [40, 30, 6];
    const data = new Uint8Array(nx * ny * nz).map((_, i) => (i * 7) % 251);
    const geometry = {
      dims: [nx, ny, nz] as const,
      spacingMm: [0.8, 0.8, 2.5] as const,
      affine: [0.8, 0, 0, 0, 0, 0.8, 0, 0, 0, 0, 2.5, 0, 0, 0, 0, 1],
    };
    const like = { geometry, data: Float32Array.from(data), dataType: 'uint8' as const };
    const file = join(dir, 'volume.nii.gz');
    await writeNiftiLabels(file, data, like);
    const source = await openSource(file, OPTIONS);
    expect([source.frameCount, source.width, source.height, source.channels]).toEqual([
      6, 40, 30, 1,
    ]);
    const [sx, sy] = source.geometry.spacingMm ?? [0, 0];
    expect(sx).toBeCloseTo(0.8, 6);
    expect(sy).toBeCloseTo(0.8, 6);
    const volume = await readNifti(file);
    const frame = await source.frameAt(4);
    expect([...frame.pixels]).toEqual([...greySlice(volume, 2, 4, autoWindow(volume.data)).data]);
    const header = await headerOf(source, 4);
    expect(header.sourceId).toBe('file:volume.nii.gz');
    // The daemon tracks volume slices with the volume tracker (inference/daemon/tracking-setup.ts).
    expect(header.sliceSpacingMm).toBeCloseTo(2.5, 6);
    writeFileSync(join(dir, 'broken.nii.gz'), 'x');
    await expectCode(openSource(join(dir, 'broken.nii.gz'), OPTIONS), 'SOURCE_INVALID');
  });

  it('a missing path is SOURCE_INVALID', async () => {
    for (const spec of [join(dir, 'absent.mha'), join(dir, 'absent-folder'), 'file:']) {
      await expectCode(openSource(spec, OPTIONS), 'SOURCE_INVALID');
    }
  });

  it('a MetaImage file opens through the factory; geometry and transform reach the header', async () => {
    const m = Array.from({ length: 16 }, (_, i) => i);
    const text = [
      'NDims = 3',
      'DimSize = 2 2 2',
      'ElementType = MET_UCHAR',
      'ElementSpacing = 0.5 0.25 1',
      'Offset = 1 2 3',
      'TransformMatrix = 1 0 0 0 1 0 0 0 1',
      `Seq_Frame0001_ProbeToTrackerTransform = ${m.join(' ')}`,
      'ElementDataFile = LOCAL',
      '',
    ].join('\n');
    const path = join(dir, 'tiny.mha');
    writeFileSync(path, Buffer.concat([Buffer.from(text), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]));
    const source = await openSource(path, OPTIONS);
    expect(source.id).toBe('file:tiny.mha');
    expect(await headerOf(source, 1)).toMatchObject({
      width: 2,
      height: 2,
      spacingMm: [0.5, 0.25],
      originMm: [1, 2, 3],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      probeTransform: m,
    });
    expect(await headerOf(source, 0)).not.toHaveProperty('probeTransform');
  });
});
