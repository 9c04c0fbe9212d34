/**
 * `npm run phantom:export -- --out DIR [--seed S] [--count N] [--stride F] [--size WxH]`: writes
 * phantom frames as PNG images with their label images (`<name>_mask.png`, grey value = structure
 * id), so the file-based evaluation can score models on synthetic data with exact ground truth.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createPhantom } from '../capture/phantom/index.ts';

export async function exportPhantomFrames(
  out: string,
  options: { seed: number; count: number; stride: number; width: number; height: number },
): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const phantom = createPhantom({
    seed: options.seed,
    width: options.width,
    height: options.height,
  });
  const names: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const index = i * options.stride;
    const f = phantom.frame(index);
    const name = `phantom-${options.seed}-${String(index).padStart(5, '0')}`;
    const raw = { raw: { width: f.width, height: f.height, channels: 1 as const } };
    await sharp(f.image, raw)
      .png()
      .toFile(join(out, `${name}.png`));
    await sharp(f.labels, raw)
      .png()
      .toFile(join(out, `${name}_mask.png`));
    names.push(name);
  }
  return names;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '10' },
      stride: { type: 'string', default: '30' },
      size: { type: 'string', default: '512x512' },
    },
  });
  const [width, height] = (values.size ?? '').split('x').map(Number);
  const opts = {
    seed: Number(values.seed),
    count: Number(values.count),
    stride: Number(values.stride),
    width: width ?? 0,
    height: height ?? 0,
  };
  if (
    !values.out ||
    !Number.isInteger(opts.seed) ||
    !(opts.count >= 1) ||
    !(opts.stride >= 1) ||
    !(opts.width >= 64) ||
    !(opts.height >= 64)
  ) {
    console.error(
      'usage: npm run phantom:export -- --out DIR [--seed S] [--count N] [--stride F] [--size WxH]',
    );
    process.exit(2);
  }
  const names = await exportPhantomFrames(values.out, opts);
  console.log(`wrote ${names.length} frames and masks to ${values.out}`);
}
