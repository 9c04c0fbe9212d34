/**
 * Writes a label volume as one 8-bit grey PNG per slice (slice-000.png, slice-001.png, …, padded
 * to at least three digits), in the orientation of volume/slices.ts. Pixel values are the label
 * values as they are (a binary 0/1 mask looks black: scale it for viewing, not here).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { VolumeError } from './errors.ts';
import { labelSlice, sliceShape, type SliceAxis } from './slices.ts';
import type { VolumeGeometry } from './volume.ts';

export function sliceFileName(index: number, count: number): string {
  const digits = Math.max(3, String(Math.max(0, count - 1)).length);
  return `slice-${String(index).padStart(digits, '0')}.png`;
}

/** Returns the paths written, in slice order. */
export async function writeLabelSlicesPng(
  dir: string,
  labels: Uint8Array,
  geometry: VolumeGeometry,
  axis: SliceAxis,
): Promise<string[]> {
  const { count } = sliceShape(geometry, axis);
  const slices = Array.from({ length: count }, (_, n) => labelSlice(labels, geometry, axis, n));
  const paths: string[] = [];
  try {
    await mkdir(dir, { recursive: true });
    for (const [n, s] of slices.entries()) {
      const path = join(dir, sliceFileName(n, count));
      await sharp(s.data, { raw: { width: s.width, height: s.height, channels: 1 } })
        .toColourspace('b-w') // else sharp writes a 1-channel raw image as an RGB PNG
        .png()
        .toFile(path);
      paths.push(path);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : 'error');
    throw new VolumeError('VOLUME_WRITE_FAILED', `label slices in ${dir}: ${code}`, { cause: e });
  }
  return paths;
}
