/**
 * Replays a CT/MRI volume (NIfTI, `.nii` or `.nii.gz`) as a stream of slices along its third axis,
 * windowed to 8-bit grey once for the whole volume (volume/intensity-window.ts: a soft-tissue window
 * for CT, robust percentiles otherwise). Slices are oriented as volume/slices.ts documents them.
 */
import { basename } from 'node:path';
import { autoWindow } from '../../volume/intensity-window.ts';
import { isVolumeError } from '../../volume/errors.ts';
import { readNifti } from '../../volume/nifti.ts';
import { greySlice, sliceShape } from '../../volume/slices.ts';
import { CaptureError } from '../errors.ts';
import { checkFrameIndex, type FrameSource, type SourceFrame } from './types.ts';

const AXIS = 2;

export async function openNiftiSource(path: string): Promise<FrameSource> {
  let volume;
  try {
    volume = await readNifti(path);
  } catch (e) {
    const unsupported = isVolumeError(e, 'VOLUME_FORMAT_UNSUPPORTED');
    throw new CaptureError(
      unsupported ? 'SOURCE_UNSUPPORTED' : 'SOURCE_INVALID',
      `${basename(path)}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  const { width, height, count } = sliceShape(volume.geometry, AXIS);
  const window = autoWindow(volume.data);
  const [sx, sy, sz] = volume.geometry.spacingMm;
  return {
    id: `file:${basename(path)}`,
    frameCount: count,
    width,
    height,
    channels: 1,
    geometry: { spacingMm: [sx, sy], sliceSpacingMm: sz },
    notes: [
      `volume ${volume.geometry.dims.join('×')} (${volume.dataType}), replayed as ${count} slices along axis ${AXIS} (${sz} mm apart), window centre ${window.center} width ${window.width}`,
    ],
    frameAt(index: number): Promise<SourceFrame> {
      checkFrameIndex(index, count);
      return Promise.resolve({ index, pixels: greySlice(volume, AXIS, index, window).data });
    },
    close: () => Promise.resolve(),
  };
}
