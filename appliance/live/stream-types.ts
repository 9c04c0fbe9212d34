/** The hub's internal stream items: an encoded frame and the masks the daemon computed on one. */
import type { FrameEncoding, MaskStages, TrackView } from './tablet-protocol.ts';

export interface EncodedFrame {
  readonly seq: number;
  readonly sourceId: string;
  readonly capturedAtNs: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly encoding: FrameEncoding;
  readonly image: Uint8Array;
  /** Appliance clock (ms) when the encoded image was ready. */
  readonly readyAtMs: number;
  readonly synthetic?: {
    readonly seed: number;
    readonly index: number;
    readonly structureCount?: number;
  };
}

export interface ObjectMask {
  readonly objectId: string;
  readonly track: TrackView;
  readonly score: number;
  readonly areaPx: number;
  /** Run-length mask (inference/protocol/mask-rle.ts), width × height of the frame; empty when lost. */
  readonly rle: Uint8Array;
}

export interface FrameMasks {
  readonly frameSeq: number;
  readonly modelId?: string;
  readonly stages?: MaskStages;
  readonly capturedAtNs: string;
  readonly width: number;
  readonly height: number;
  readonly objects: readonly ObjectMask[];
}

/** Capture-clock age of `masks` relative to `frame` (ms, ≥ 0). */
export function maskAgeMs(
  frame: { capturedAtNs: string },
  masks: { capturedAtNs: string },
): number {
  const diff = BigInt(frame.capturedAtNs) - BigInt(masks.capturedAtNs);
  return diff <= 0n ? 0 : Number(diff / 1000n) / 1000;
}
