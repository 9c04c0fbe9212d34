/**
 * The one interface every frame source implements (synthetic phantom, file replay, later live
 * probes): fixed frame size and channel count, random access by index, geometry where known.
 */

/** Image geometry in millimetres, as far as the source knows it; absent fields are unknown. */
export interface FrameGeometry {
  /** Pixel spacing [x (column), y (row)], mm. */
  readonly spacingMm?: readonly [number, number];
  /** Position of the first pixel's centre, mm (2 or 3 components, as the source gives it). */
  readonly originMm?: readonly number[];
  /** Direction cosines, one axis after the other (MetaImage TransformMatrix order), 4 or 9 values. */
  readonly direction?: readonly number[];
  /** Set when the frames are parallel slices of one volume (CT/MRI), this far apart (mm). */
  readonly sliceSpacingMm?: number;
}

export interface SourceFrame {
  /** Index of this frame in the source (for the phantom: the phantom frame index). */
  readonly index: number;
  /** Pixels, row-major, interleaved channels, width × height × channels bytes. */
  readonly pixels: Uint8Array;
  /** 4×4 row-major probe (tool) transform of this frame, when the source records one. */
  readonly probeTransform?: readonly number[];
  /** Name of the transform given as probeTransform (e.g. "ProbeToTrackerTransform"). */
  readonly probeTransformName?: string;
  /** Set by the synthetic source: the phantom seed, frame index and structure count (to recompute ground truth). */
  readonly synthetic?: {
    readonly seed: number;
    readonly index: number;
    readonly structureCount?: number;
  };
}

export interface FrameSource {
  /** Identifies the source in frame headers (e.g. "synthetic:seed=1", "file:cine.mha"). */
  readonly id: string;
  /** Number of frames, or null for an endless source (any non-negative index is valid). */
  readonly frameCount: number | null;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** Geometry shared by all frames. */
  readonly geometry: FrameGeometry;
  /** Notes for the operator (e.g. a pixel-type conversion), logged once at start. */
  readonly notes: readonly string[];
  /**
   * Frame `index` (0 ≤ index < frameCount). The pixels may be a view into the source's memory:
   * valid until the next call; copy them to keep them.
   */
  frameAt(index: number): Promise<SourceFrame>;
  close(): Promise<void>;
}

/** What the factory needs besides the spec string (from the capture config). */
export interface SourceOptions {
  /** Synthetic frame size, px. */
  readonly width: number;
  readonly height: number;
  readonly phantomSeed: number;
  /** Structures in the phantom (default: the phantom's own default). */
  readonly phantomStructures?: number;
}

/** Refuses an index outside 0..frameCount-1 (a caller bug, not a source fault). */
export function checkFrameIndex(index: number, frameCount: number | null): void {
  if (!Number.isSafeInteger(index) || index < 0 || (frameCount !== null && index >= frameCount)) {
    throw new RangeError(
      `frame index ${index} is outside 0..${frameCount === null ? '∞' : frameCount - 1}`,
    );
  }
}
