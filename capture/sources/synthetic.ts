/**
 * The synthetic source: the deterministic ultrasound phantom, endless. It keeps the phantom's own
 * timeline (frame i at i / 30 s, its default), so (seed, width, height, index) from a frame header
 * (with the structure count) are enough for a client to recompute that frame's ground truth.
 */
import { createPhantom } from '../phantom/index.ts';
import {
  checkFrameIndex,
  type FrameSource,
  type SourceFrame,
  type SourceOptions,
} from './types.ts';

export function openSyntheticSource(options: SourceOptions): FrameSource {
  const { width, height, phantomSeed: seed } = options;
  const phantom = createPhantom({ width, height, seed, structureCount: options.phantomStructures });
  const { structureCount } = phantom.params;
  return {
    id: `synthetic:seed=${seed}`,
    frameCount: null,
    width,
    height,
    channels: 1,
    geometry: {},
    notes: [],
    frameAt(index: number): Promise<SourceFrame> {
      checkFrameIndex(index, null);
      const pixels = phantom.frame(index).image;
      return Promise.resolve({ index, pixels, synthetic: { seed, index, structureCount } });
    },
    close: () => Promise.resolve(),
  };
}
