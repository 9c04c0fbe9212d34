/**
 * Builds the wire header of a captured frame (pure): the FrameHeader contract of
 * inference/protocol/messages.ts from the ring's sequence number, the capture facts and the
 * source's fixed description. Optional fields are present only when the source knows them.
 */
import type { FrameHeader } from '../inference/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../inference/protocol/version.ts';
import type { FrameGeometry, SourceFrame } from './sources/types.ts';

/** What the capture loop records about a frame when it is produced (kept in the ring). */
export interface CapturedFrame {
  /** CLOCK_MONOTONIC ns when the frame was produced. */
  readonly capturedAtNs: bigint;
  /** Wall clock at the same moment, ms since the epoch (for display and records only). */
  readonly wallTimeMs: number;
  readonly probeTransform?: readonly number[];
  readonly synthetic?: SourceFrame['synthetic'];
}

/** The fixed facts of a source that every header repeats. */
export interface SourceDescription {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly geometry: FrameGeometry;
}

export function buildFrameHeader(
  seq: number,
  frame: CapturedFrame,
  source: SourceDescription,
): FrameHeader {
  const { spacingMm, originMm, direction, sliceSpacingMm } = source.geometry;
  return {
    v: PROTOCOL_VERSION,
    kind: 'frame',
    seq,
    capturedAtNs: frame.capturedAtNs.toString(),
    wallTimeMs: frame.wallTimeMs,
    width: source.width,
    height: source.height,
    pixelType: 'uint8',
    channels: source.channels,
    sourceId: source.id,
    ...(spacingMm && { spacingMm: [spacingMm[0], spacingMm[1]] }),
    ...(originMm && { originMm: [...originMm] }),
    ...(direction && { direction: [...direction] }),
    ...(sliceSpacingMm !== undefined && { sliceSpacingMm }),
    ...(frame.probeTransform && { probeTransform: [...frame.probeTransform] }),
    ...(frame.synthetic && { synthetic: { ...frame.synthetic } }),
  };
}
