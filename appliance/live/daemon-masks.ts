/**
 * The daemon's `masks` message (ZeroMQ contract v2) → the hub's FrameMasks: each object's
 * run-length mask sliced out of the body and its track info copied field by field, so the tablet
 * contract carries exactly the TrackView fields whatever else the daemon adds. A lost object keeps
 * its place in the list but never a mask (the contract says it has none; any bytes are dropped).
 * Pure.
 */
import type { MasksHeader, TrackInfo } from '../../inference/protocol/messages.ts';
import type { FrameMasks } from './stream-types.ts';
import type { TrackView } from './tablet-protocol.ts';

const NO_MASK = new Uint8Array(0);

export function trackView(track: TrackInfo): TrackView {
  return {
    state: track.state,
    quality: track.quality,
    ...(track.reason === undefined ? {} : { reason: track.reason }),
    ...(track.lastBox === undefined
      ? {}
      : {
          lastBox: {
            x0: track.lastBox.x0,
            y0: track.lastBox.y0,
            x1: track.lastBox.x1,
            y1: track.lastBox.y1,
          },
        }),
    framesSinceGood: track.framesSinceGood,
  };
}

/** `body` must hold every object's mask at its offset (checked by the inference link). */
export function frameMasksFrom(
  header: MasksHeader,
  body: Uint8Array,
  applianceReceivedAtNs: string,
): FrameMasks {
  return {
    frameSeq: header.frameSeq,
    modelId: header.modelId,
    stages: {
      daemonReceivedAtNs: header.receivedAtNs,
      encodeStartNs: header.encodeStartNs,
      encodeEndNs: header.encodeEndNs,
      decodeEndNs: header.decodeEndNs,
      publishedAtNs: header.publishedAtNs,
      applianceReceivedAtNs,
    },
    capturedAtNs: header.capturedAtNs,
    width: header.width,
    height: header.height,
    objects: header.objects.map((o) => ({
      objectId: o.objectId,
      track: trackView(o.track),
      score: o.score,
      areaPx: o.areaPx,
      rle:
        o.track.state === 'lost' ? NO_MASK : body.subarray(o.rleOffset, o.rleOffset + o.rleLength),
    })),
  };
}
