/**
 * Writes a propagated label volume where a user looks for it: `DIR/labels.nii.gz` on the source
 * volume's own grid and one PNG per slice in `DIR/slices/`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeNiftiLabels } from './nifti.ts';
import { writeLabelSlicesPng } from './slice-png.ts';
import type { SliceAxis } from './slices.ts';
import type { Volume } from './volume.ts';

export async function writeLabelOutputs(
  dir: string,
  labels: Uint8Array,
  source: Volume,
  axis: SliceAxis,
): Promise<{ nifti: string; slicePngs: string[] }> {
  await mkdir(join(dir, 'slices'), { recursive: true });
  const nifti = join(dir, 'labels.nii.gz');
  await writeNiftiLabels(nifti, labels, source);
  const slicePngs = await writeLabelSlicesPng(join(dir, 'slices'), labels, source.geometry, axis);
  return { nifti, slicePngs };
}
