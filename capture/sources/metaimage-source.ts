/**
 * Replays a MetaImage frame sequence (.mha / .mhd + data): read once into memory at open, then
 * each frame is a view into it, with the file's geometry and the frame's probe transform.
 */
import { basename } from 'node:path';
import { chooseProbeTransform } from './metaimage/frame-fields.ts';
import { readMetaImage } from './metaimage/read.ts';
import { checkFrameIndex, type FrameSource, type SourceFrame } from './types.ts';

export async function openMetaImageSource(path: string): Promise<FrameSource> {
  const image = await readMetaImage(path);
  const { width, height, channels, frameCount, geometry } = image.layout;
  const frameBytes = width * height * channels;
  return {
    id: `file:${basename(path)}`,
    frameCount,
    width,
    height,
    channels,
    geometry,
    notes: image.notes,
    frameAt(index: number): Promise<SourceFrame> {
      checkFrameIndex(index, frameCount);
      const pixels = image.pixels.subarray(index * frameBytes, (index + 1) * frameBytes);
      const fields = image.frames[index];
      const probe = fields && chooseProbeTransform(fields, image.defaultTransformName);
      return Promise.resolve({
        index,
        pixels,
        ...(probe && { probeTransform: probe.matrix, probeTransformName: probe.name }),
      });
    },
    close: () => Promise.resolve(),
  };
}
