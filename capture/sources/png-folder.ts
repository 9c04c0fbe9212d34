/**
 * Replays a folder of PNG frames, in natural name order (frame2 before frame10), decoded with sharp
 * on demand. All frames must share one size; grey (with or without alpha) gives 1 channel, colour
 * gives 3 (the first frame decides; alpha is dropped; 16-bit is reduced to 8).
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { CaptureError } from '../errors.ts';
import { checkFrameIndex, type FrameSource, type SourceFrame } from './types.ts';

async function listPngs(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CaptureError('SOURCE_INVALID', `cannot read folder ${dir} (${code})`, { cause: e });
  }
  const pngs = names.filter((n) => /\.png$/i.test(n));
  if (pngs.length === 0) throw new CaptureError('SOURCE_INVALID', `${dir} holds no .png files`);
  const collator = new Intl.Collator('en', { numeric: true });
  return pngs.sort((a, b) => collator.compare(a, b)).map((n) => join(dir, n));
}

async function probe(file: string): Promise<{ width: number; height: number; grey: boolean }> {
  try {
    const m = await sharp(file).metadata();
    return { width: m.width, height: m.height, grey: m.channels <= 2 };
  } catch (e) {
    throw new CaptureError('SOURCE_INVALID', `${basename(file)} is not a readable PNG`, {
      cause: e,
    });
  }
}

export async function openPngFolderSource(dir: string): Promise<FrameSource> {
  const files = await listPngs(dir);
  const first = await probe(files[0] ?? '');
  for (const file of files.slice(1)) {
    const m = await probe(file);
    if (m.width !== first.width || m.height !== first.height) {
      throw new CaptureError(
        'SOURCE_INVALID',
        `${basename(file)} is ${m.width}×${m.height}, the first frame ${first.width}×${first.height}`,
      );
    }
  }
  const channels = first.grey ? 1 : 3;
  const { width, height } = first;
  return {
    id: `file:${basename(dir)}/`,
    frameCount: files.length,
    width,
    height,
    channels,
    geometry: {},
    notes: [],
    async frameAt(index: number): Promise<SourceFrame> {
      checkFrameIndex(index, files.length);
      const file = files[index] ?? '';
      const image = sharp(file)
        .removeAlpha()
        .toColourspace(channels === 1 ? 'b-w' : 'srgb');
      try {
        const { data, info } = await image
          .raw({ depth: 'uchar' })
          .toBuffer({ resolveWithObject: true });
        if (info.width !== width || info.height !== height || info.channels !== channels) {
          throw new Error(`decoded as ${info.width}×${info.height}×${info.channels}`);
        }
        return { index, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
      } catch (e) {
        throw new CaptureError('SOURCE_INVALID', `${basename(file)}: ${(e as Error).message}`, {
          cause: e,
        });
      }
    },
    close: () => Promise.resolve(),
  };
}
