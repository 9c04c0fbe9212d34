/**
 * The typed messages of the ZeroMQ links (schemas are the single source of the types):
 * capture → daemon/appliance `frame`; daemon → appliance `masks` and `status`;
 * appliance ⇄ daemon control `request` / `reply`. Times are CLOCK_MONOTONIC ns as decimal strings
 * (they exceed 2^53); coordinates are original-image pixels.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ProtocolError } from './envelope.ts';

const Ns = Type.String({ pattern: '^[0-9]+$', description: 'CLOCK_MONOTONIC nanoseconds' });
const Num = Type.Number();

export const FrameHeader = Type.Object({
  v: Type.Integer(),
  kind: Type.Literal('frame'),
  seq: Type.Integer({ minimum: 0 }),
  capturedAtNs: Ns,
  wallTimeMs: Num,
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  pixelType: Type.Literal('uint8'),
  channels: Type.Union([Type.Literal(1), Type.Literal(3)]),
  sourceId: Type.String(),
  spacingMm: Type.Optional(Type.Tuple([Num, Num])),
  originMm: Type.Optional(Type.Array(Num, { minItems: 2, maxItems: 3 })),
  direction: Type.Optional(Type.Array(Num, { minItems: 4, maxItems: 9 })),
  probeTransform: Type.Optional(Type.Array(Num, { minItems: 16, maxItems: 16 })),
  /**
   * Set when the frames are parallel slices of one volume (a CT/MRI source), this far apart (mm):
   * intensities compare across frames, and the image's edge is the only edge of the view.
   */
  sliceSpacingMm: Type.Optional(Num),
  /** Set by the synthetic source: the phantom frame, so clients can recompute its ground truth. */
  synthetic: Type.Optional(
    Type.Object({
      seed: Type.Integer(),
      index: Type.Integer({ minimum: 0 }),
      /** Phantom structure count (absent: the phantom's default). */
      structureCount: Type.Optional(Type.Integer({ minimum: 0 })),
    }),
  ),
});
export type FrameHeader = Static<typeof FrameHeader>;

const PointLabel = Type.Union([Type.Literal('positive'), Type.Literal('negative')]);
export const PromptSpec = Type.Object({
  objectId: Type.String({ minLength: 1, maxLength: 64 }),
  points: Type.Array(Type.Object({ x: Num, y: Num, label: PointLabel }), { maxItems: 64 }),
  box: Type.Optional(Type.Object({ x0: Num, y0: Num, x1: Num, y1: Num })),
  /**
   * The frame its newest points or box were placed on (the frame the user saw). The daemon seeds the
   * change on that frame when it still holds it, and tracks it through the frames since; absent:
   * the newest frame.
   */
  frameSeq: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type PromptSpec = Static<typeof PromptSpec>;

/** Tracking state of an object (see docs/tracking.md). A lost object carries no mask. */
export const TrackStateName = Type.Union([
  Type.Literal('tracking'),
  Type.Literal('uncertain'),
  Type.Literal('lost'),
]);
export type TrackStateName = Static<typeof TrackStateName>;

export const BoxPx = Type.Object({ x0: Num, y0: Num, x1: Num, y1: Num });

export const TrackInfo = Type.Object({
  state: TrackStateName,
  /** Tracking quality in [0, 1] (model score combined with area, overlap and appearance cues). */
  quality: Num,
  /** Why the object is uncertain or lost (a cue name such as 'area-change'); absent when tracking. */
  reason: Type.Optional(Type.String()),
  /** Bounding box of the last good mask: where a lost object was last seen. */
  lastBox: Type.Optional(BoxPx),
  /** Frames since the object was last tracked with confidence (0 when tracking). */
  framesSinceGood: Type.Integer({ minimum: 0 }),
});
export type TrackInfo = Static<typeof TrackInfo>;

export const MaskObject = Type.Object({
  objectId: Type.String(),
  track: TrackInfo,
  score: Num,
  areaPx: Type.Integer({ minimum: 0 }),
  /** Byte offset and length of this object's run-length mask in the message body (0, 0 when lost). */
  rleOffset: Type.Integer({ minimum: 0 }),
  rleLength: Type.Integer({ minimum: 0 }),
});
export type MaskObject = Static<typeof MaskObject>;

export const DaemonStats = Type.Object({
  framesReceived: Type.Integer(),
  framesProcessed: Type.Integer(),
  framesSkippedStale: Type.Integer(),
  ticksOverrun: Type.Integer(),
  encodeRateHz: Num,
});
export type DaemonStats = Static<typeof DaemonStats>;

export const MasksHeader = Type.Object({
  v: Type.Integer(),
  kind: Type.Literal('masks'),
  bootId: Type.String(),
  frameSeq: Type.Integer({ minimum: 0 }),
  capturedAtNs: Ns,
  receivedAtNs: Ns,
  encodeStartNs: Ns,
  encodeEndNs: Ns,
  decodeEndNs: Ns,
  publishedAtNs: Ns,
  modelId: Type.String(),
  modelSha256: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  objects: Type.Array(MaskObject),
  stats: DaemonStats,
});
export type MasksHeader = Static<typeof MasksHeader>;

export const StatusHeader = Type.Object({
  v: Type.Integer(),
  kind: Type.Literal('status'),
  bootId: Type.String(),
  modelId: Type.String(),
  modelSha256: Type.String(),
  executionProvider: Type.String(),
  paused: Type.Boolean(),
  promptCount: Type.Integer(),
  tickPeriodMs: Num,
  stats: DaemonStats,
  /** Per active object: how often its mask is refreshed (objects beyond the tick budget wait turns). */
  objectUpdateRateHz: Type.Optional(Type.Record(Type.String(), Num)),
});
export type StatusHeader = Static<typeof StatusHeader>;

export const Request = Type.Union([
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('hello'),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('setPrompts'),
    prompts: Type.Array(PromptSpec, { maxItems: 64 }),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('pause'),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('resume'),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('modelInfo'),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('request'),
    id: Type.Integer(),
    op: Type.Literal('switchModel'),
    modelId: Type.String({ minLength: 1 }),
  }),
]);
export type Request = Static<typeof Request>;
export type RequestOp = Request['op'];

export const Reply = Type.Union([
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('reply'),
    id: Type.Integer(),
    ok: Type.Literal(true),
    result: Type.Unknown(),
  }),
  Type.Object({
    v: Type.Integer(),
    kind: Type.Literal('reply'),
    id: Type.Integer(),
    ok: Type.Literal(false),
    error: Type.Object({ code: Type.String(), message: Type.String() }),
  }),
]);
export type Reply = Static<typeof Reply>;

/** Checks a decoded header against a schema; a mismatch is PROTOCOL_MALFORMED. */
export function parseHeader<S extends TSchema>(
  schema: S,
  header: unknown,
  what: string,
): Static<S> {
  if (!Value.Check(schema, header)) {
    const first = [...Value.Errors(schema, header)][0];
    throw new ProtocolError(
      'PROTOCOL_MALFORMED',
      `${what}: ${first ? `${first.path} ${first.message}` : 'invalid'}`,
    );
  }
  return header;
}
