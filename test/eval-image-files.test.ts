import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError, type EngineErrorCode } from '../inference/engine/errors.ts';
import { readImageFrame, readLabelImage } from '../bench/eval/image-files.ts';

const W = 4;
const H = 3;
let dir = '';

async function write(
  name: string,
  pixels: number[],
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'gif' | 'jpeg',
): Promise<string> {
  let img = sharp(Buffer.from(pixels), { raw: { width: W, height: H, channels } });
  if (channels <= 2) img = img.toColourspace('b-w');
  const path = join(dir, name);
  await img.toFormat(format).toFile(path);
  return path;
}

async function expectCode(
  p: Promise<unknown>,
  code: EngineErrorCode,
  text?: RegExp,
): Promise<void> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isEngineError(err, code), String(err)).toBe(true);
  if (text) expect((err as Error).message).toMatch(text);
}

// Grey pattern, 4 × 3.
const GREY_255 = [0, 255, 255, 0, 0, 255, 0, 0, 0, 0, 0, 255];
const GREY_01 = GREY_255.map((v) => (v ? 1 : 0));
const MULTI = [0, 1, 1, 0, 2, 2, 0, 3, 0, 0, 3, 3];

/** Fixtures more than one test reads. */
let g16 = '';
let junk = '';
let truncated = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eval-image-files-'));
  g16 = join(dir, 'g16.png');
  await sharp(Buffer.from(MULTI), { raw: { width: W, height: H, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toFile(g16);
  junk = join(dir, 'junk.png');
  await writeFile(junk, Buffer.from('this is not a PNG at all'));
  const good = await sharp(Buffer.from(GREY_255), { raw: { width: W, height: H, channels: 1 } })
    .png()
    .toBuffer();
  truncated = join(dir, 'truncated.png');
  await writeFile(truncated, good.subarray(0, good.length - 16));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readLabelImage', () => {
  it('reads a 0/255 grey PNG with label 255', async () => {
    const m = await readLabelImage(await write('g255.png', GREY_255, 1, 'png'));
    expect([m.width, m.height]).toEqual([W, H]);
    expect([...m.labels]).toEqual(GREY_255);
  });

  it('reads a 0/1 grey PNG with label 1', async () => {
    const m = await readLabelImage(await write('g01.png', GREY_01, 1, 'png'));
    expect([...m.labels]).toEqual(GREY_01);
  });

  it('reads a white-on-black RGB PNG as grey labels', async () => {
    const rgb = GREY_255.flatMap((v) => [v, v, v]);
    const m = await readLabelImage(await write('rgb.png', rgb, 3, 'png'));
    expect([...m.labels]).toEqual(GREY_255);
  });

  it('keeps multi-label grey values', async () => {
    const m = await readLabelImage(await write('multi.png', MULTI, 1, 'png'));
    expect([...m.labels]).toEqual(MULTI);
  });

  it('labels colour masks by 0xRRGGBB', async () => {
    const colours = [
      [0, 0, 0],
      [255, 0, 0],
      [0, 255, 0],
      [10, 10, 10],
    ];
    const idx = [0, 1, 1, 0, 2, 2, 0, 3, 0, 0, 3, 3];
    const m = await readLabelImage(
      await write(
        'colour.png',
        idx.flatMap((i) => colours[i]!),
        3,
        'png',
      ),
    );
    expect([...m.labels]).toEqual(idx.map((i) => [0, 0xff0000, 0x00ff00, 0x0a0a0a][i]));
  });

  it('treats fully transparent pixels as background', async () => {
    const rgba = GREY_255.flatMap((v, i) => (i === 1 ? [255, 255, 255, 0] : [v, v, v, 255]));
    const m = await readLabelImage(await write('alpha.png', rgba, 4, 'png'));
    expect([...m.labels]).toEqual(GREY_255.map((v, i) => (i === 1 ? 0 : v)));
  });

  it('reads a binary GIF', async () => {
    const m = await readLabelImage(await write('bin.gif', GREY_255, 1, 'gif'));
    expect([m.width, m.height]).toEqual([W, H]);
    expect([...m.labels]).toEqual(GREY_255);
  });

  it('keeps 16-bit grey values', async () => {
    expect((await sharp(g16).metadata()).depth).toBe('ushort');
    const m = await readLabelImage(g16);
    expect([...m.labels]).toEqual(MULTI.map((v) => v * 257));
  });

  it('refuses JPEG masks, corrupt files and BMP with IMAGE_UNSUPPORTED', async () => {
    await expectCode(
      readLabelImage(await write('m.jpg', GREY_255, 1, 'jpeg')),
      'IMAGE_UNSUPPORTED',
      /jpeg/,
    );
    await expectCode(readLabelImage(junk), 'IMAGE_UNSUPPORTED');
    await expectCode(readLabelImage(truncated), 'IMAGE_UNSUPPORTED');
    const bmp = join(dir, 'x.bmp');
    await writeFile(bmp, Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]));
    await expectCode(readLabelImage(bmp), 'IMAGE_UNSUPPORTED', /BMP/);
  });

  it('reports a missing file as EVAL_INPUT_INVALID', async () => {
    await expectCode(readLabelImage(join(dir, 'nope.png')), 'EVAL_INPUT_INVALID');
  });
});

describe('readImageFrame', () => {
  it('reads a grey PNG as one channel', async () => {
    const f = await readImageFrame(
      await write(
        'img-grey.png',
        MULTI.map((v) => v * 60),
        1,
        'png',
      ),
    );
    expect([f.width, f.height, f.channels]).toEqual([W, H, 1]);
    expect([...f.data]).toEqual(MULTI.map((v) => v * 60));
  });

  it('reads colour as RGB and collapses exact-grey RGB to one channel', async () => {
    const rgb = MULTI.flatMap((v) => [v * 60, 30, 200 - v]);
    const f = await readImageFrame(await write('img-rgb.png', rgb, 3, 'png'));
    expect(f.channels).toBe(3);
    expect([...f.data]).toEqual(rgb);
    const g = await readImageFrame(
      await write(
        'img-rgb-grey.png',
        MULTI.flatMap((v) => [v, v, v]),
        3,
        'png',
      ),
    );
    expect(g.channels).toBe(1);
    expect([...g.data]).toEqual(MULTI);
  });

  it('flattens transparency onto black', async () => {
    const rgba = MULTI.flatMap((v, i) => (i === 0 ? [200, 100, 50, 0] : [v * 60, 30, 90, 255]));
    const f = await readImageFrame(await write('img-rgba.png', rgba, 4, 'png'));
    expect(f.channels).toBe(3);
    expect([...f.data.subarray(0, 6)]).toEqual([0, 0, 0, 60, 30, 90]);
  });

  it('reads GIF and JPEG', async () => {
    const gif = await readImageFrame(await write('img.gif', GREY_255, 1, 'gif'));
    expect([...gif.data]).toEqual(GREY_255);
    const jpg = await readImageFrame(
      await write('img.jpg', new Array<number>(W * H).fill(128), 1, 'jpeg'),
    );
    expect([jpg.width, jpg.height, jpg.channels]).toEqual([W, H, 1]);
    expect(Math.abs(jpg.data[0]! - 128)).toBeLessThanOrEqual(2);
  });

  it('refuses 16-bit images and corrupt files with IMAGE_UNSUPPORTED', async () => {
    await expectCode(readImageFrame(g16), 'IMAGE_UNSUPPORTED', /8-bit/);
    await expectCode(readImageFrame(junk), 'IMAGE_UNSUPPORTED');
    await expectCode(readImageFrame(truncated), 'IMAGE_UNSUPPORTED');
  });
});
