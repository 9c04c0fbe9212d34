/**
 * Which tracker the daemon uses for a frame (pure). Mask inputs carry over neither to another model
 * nor to another frame size, so each (model, size) gets its own tracker; frames that are slices of
 * one volume (the header's `sliceSpacingMm`, set by a CT/MRI source) get the volume tracker: the
 * slice parameters and the intensity gate of offline propagation (docs/volumes.md).
 */
import type { FrameHeader } from '../protocol/messages.ts';
import { trackingParamsFor, type TrackingParams } from '../tracking/tracking-params.ts';
import { volumeTrackingParams } from '../../volume/propagate.ts';

type FrameKind = Pick<FrameHeader, 'width' | 'height' | 'spacingMm' | 'sliceSpacingMm'>;

export interface TrackingSetup {
  readonly params: TrackingParams;
  /** In-plane pixel size (mm) for the intensity gate; absent when frames are not volume slices. */
  readonly gatePixelMm?: number;
}

/** Frames with the same key share one tracker (checked every cycle: cheap). */
export function trackerKey(modelSha256: string, header: FrameKind): string {
  const key = `${modelSha256}:${header.width}x${header.height}`;
  return header.sliceSpacingMm === undefined ? key : `${key}:slices`;
}

/** How a new tracker for such frames is set up (when the key changes). */
export function trackingSetupFor(family: string, header: FrameKind): TrackingSetup {
  if (header.sliceSpacingMm === undefined) return { params: trackingParamsFor(family) };
  const [sx, sy] = header.spacingMm ?? [1, 1];
  return {
    params: volumeTrackingParams(trackingParamsFor(family)),
    gatePixelMm: (Math.abs(sx) + Math.abs(sy)) / 2,
  };
}
