/**
 * Builds the server → tablet messages of the stream, once per emission and shared by every client
 * of that mode: the frame's encoded image, then each object's run-length mask, with the object's
 * palette colour and track info. Objects no longer in the active set (removed, the daemon not yet
 * told) are left out; a lost object stays listed with rleLength 0 (no mask), so the tablet can show
 * where it was last seen.
 */
import {
  encodeServerMessage,
  TABLET_PROTOCOL_VERSION,
  type MaskObjectView,
  type MaskSet,
} from './tablet-protocol.ts';
import type { EncodedFrame, FrameMasks } from './stream-types.ts';

export type ColorOf = (objectId: string) => string | undefined;

function maskSet(
  masks: FrameMasks,
  ageMs: number,
  colorOf: ColorOf,
  firstOffset: number,
): { set: MaskSet; parts: Uint8Array[] } {
  const objects: MaskObjectView[] = [];
  const parts: Uint8Array[] = [];
  let offset = firstOffset;
  for (const o of masks.objects) {
    const color = colorOf(o.objectId);
    if (color === undefined) continue;
    objects.push({
      objectId: o.objectId,
      color,
      track: o.track,
      score: o.score,
      areaPx: o.areaPx,
      rleOffset: offset,
      rleLength: o.rle.length,
    });
    parts.push(o.rle);
    offset += o.rle.length;
  }
  return {
    set: {
      ...(masks.modelId === undefined ? {} : { modelId: masks.modelId }),
      ...(masks.stages === undefined ? {} : { stages: masks.stages }),
      frameSeq: masks.frameSeq,
      capturedAtNs: masks.capturedAtNs,
      ageMs: Math.round(ageMs * 10) / 10,
      width: masks.width,
      height: masks.height,
      objects,
    },
    parts,
  };
}

export function frameMessage(
  frame: EncodedFrame,
  masks: { readonly masks: FrameMasks; readonly ageMs: number } | null,
  colorOf: ColorOf,
  emittedAtNs: bigint,
): Uint8Array {
  const withMasks =
    masks === null ? null : maskSet(masks.masks, masks.ageMs, colorOf, frame.image.length);
  return encodeServerMessage(
    {
      v: TABLET_PROTOCOL_VERSION,
      kind: 'frame',
      seq: frame.seq,
      capturedAtNs: frame.capturedAtNs,
      emittedAtNs: emittedAtNs.toString(),
      width: frame.width,
      height: frame.height,
      channels: frame.channels,
      encoding: frame.encoding,
      imageLength: frame.image.length,
      ...(withMasks === null ? {} : { masks: withMasks.set }),
      ...(frame.synthetic === undefined ? {} : { synthetic: frame.synthetic }),
    },
    [frame.image, ...(withMasks?.parts ?? [])],
  );
}

export function masksMessage(
  masks: FrameMasks,
  ageMs: number,
  colorOf: ColorOf,
  emittedAtNs: bigint,
): Uint8Array {
  const { set, parts } = maskSet(masks, ageMs, colorOf, 0);
  return encodeServerMessage(
    { v: TABLET_PROTOCOL_VERSION, kind: 'masks', emittedAtNs: emittedAtNs.toString(), masks: set },
    parts,
  );
}
