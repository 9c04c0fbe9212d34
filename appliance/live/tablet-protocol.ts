/**
 * The tablet protocol (appliance ⇄ browser / Node clients over the `/live` WebSocket), one typed,
 * versioned contract shared by the server, the UI and test/bench clients. Pure and browser-safe
 * (no Buffer). Server → client: binary messages [u32 LE header length][header JSON, UTF-8][payload];
 * client → server: JSON text. Times are the appliance host's CLOCK_MONOTONIC ns as decimal strings;
 * coordinates are original-image pixels (x right, y down, origin top-left).
 */
// Named builders (not the `Type` namespace) so the browser bundle takes only these.
import {
  Integer,
  Literal,
  Number as NumberSchema,
  Object as ObjectSchema,
  Optional,
  String as StringSchema,
  Union,
  type Static,
  type TProperties,
} from '@sinclair/typebox';

export const TABLET_PROTOCOL_VERSION = 2;

export type FrameEncoding = 'jpeg' | 'png' | 'raw';
export type StreamMode = 'paired' | 'newest';

// ---- server → client headers --------------------------------------------------------------

/** Image-pixel box, x0 < x1 and y0 < y1. */
export interface BoxView {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** The daemon's tracking verdict on an object (shown flagged when uncertain, no mask when lost). */
export type TrackState = 'tracking' | 'uncertain' | 'lost';

/** Tracking info of one object in one mask set, as the daemon reported it. */
export interface TrackView {
  readonly state: TrackState;
  /** 0..1: model score combined with the tracker's area, overlap and appearance cues. */
  readonly quality: number;
  /** Why it is uncertain or lost (a cue name such as 'area-change', 'left-view'); absent when tracking. */
  readonly reason?: string;
  /** Bounding box of the last good mask: where a lost object was last seen. */
  readonly lastBox?: BoxView;
  /** Frames since the object was last tracked with confidence (0 when tracking). */
  readonly framesSinceGood: number;
}

export interface MaskObjectView {
  readonly objectId: string;
  /** '#rrggbb' from the fixed palette. */
  readonly color: string;
  readonly track: TrackView;
  readonly score: number;
  readonly areaPx: number;
  /**
   * Byte range of this object's run-length mask (inference/protocol/mask-rle.ts) in the payload;
   * rleLength 0 (no mask) when the object is lost.
   */
  readonly rleOffset: number;
  readonly rleLength: number;
}

/** Per-stage CLOCK_MONOTONIC ns of a mask set, from the daemon and the appliance (same host clock). */
export interface MaskStages {
  readonly daemonReceivedAtNs: string;
  readonly encodeStartNs: string;
  readonly encodeEndNs: string;
  readonly decodeEndNs: string;
  readonly publishedAtNs: string;
  readonly applianceReceivedAtNs: string;
}

/** Masks computed on frame `frameSeq`; `ageMs` is how much older that frame is than the one shown. */
export interface MaskSet {
  readonly modelId?: string;
  readonly stages?: MaskStages;
  readonly frameSeq: number;
  readonly capturedAtNs: string;
  readonly ageMs: number;
  readonly width: number;
  readonly height: number;
  readonly objects: readonly MaskObjectView[];
}

export interface StreamInfo {
  readonly encoding: FrameEncoding;
  readonly mode: StreamMode;
  readonly maxMaskAgeMs: number;
}

export interface HelloMessage {
  readonly v: number;
  readonly kind: 'hello';
  readonly clientId: string;
  readonly serverNs: string;
  readonly stream: StreamInfo;
}

export interface FrameMessage {
  readonly v: number;
  readonly kind: 'frame';
  readonly seq: number;
  readonly capturedAtNs: string;
  /** When the appliance built this message (before any wait in the client's slot). */
  readonly emittedAtNs: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly encoding: FrameEncoding;
  /** The image occupies payload bytes [0, imageLength); masks follow. */
  readonly imageLength: number;
  /** Paired mode: the masks computed on this very frame (ageMs 0). Newest mode: the last fresh masks. */
  readonly masks?: MaskSet;
  /** Synthetic source: the phantom frame, so a client can recompute its exact ground truth. */
  readonly synthetic?: {
    readonly seed: number;
    readonly index: number;
    readonly structureCount?: number;
  };
}

export interface MasksMessage {
  readonly v: number;
  readonly kind: 'masks';
  readonly emittedAtNs: string;
  readonly masks: MaskSet;
}

export interface PromptView {
  readonly objectId: string;
  readonly color: string;
  readonly points: readonly PromptPoint[];
  readonly box?: PromptBox;
  readonly createdBy: string;
  readonly updatedAtMs: number;
}

/**
 * An active object as of the latest masks that listed it: `pending` until the daemon has reported
 * it, then the daemon's track state. The nulls (and absent reason / lastBox) mean "not reported yet".
 */
export interface ObjectStateView {
  readonly objectId: string;
  readonly state: 'pending' | TrackState;
  readonly quality: number | null;
  readonly reason?: string;
  readonly lastBox?: BoxView;
  readonly framesSinceGood: number | null;
  readonly score: number | null;
  readonly areaPx: number | null;
  readonly frameSeq: number | null;
}

export interface DaemonStatusView {
  readonly state: 'down' | 'connecting' | 'ready' | 'stale';
  readonly modelId: string | null;
  readonly paused: boolean | null;
  readonly lastStatusAgeMs: number | null;
  readonly promptSync: 'idle' | 'pending' | 'synced' | 'failed';
  readonly lastError: { readonly code: string; readonly message: string } | null;
}

export interface CaptureStatusView {
  readonly state: 'live' | 'stale' | 'down';
  readonly sourceId: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number;
  readonly lastFrameAgeMs: number | null;
}

export interface StateMessage {
  readonly v: number;
  readonly kind: 'state';
  readonly prompts: readonly PromptView[];
  readonly objects: readonly ObjectStateView[];
  readonly daemon: DaemonStatusView;
  readonly capture: CaptureStatusView;
  /** This client: its mode and the frames replaced in its slot before they could be sent. */
  readonly client: {
    readonly clientId: string;
    readonly mode: StreamMode;
    readonly framesSent: number;
    readonly framesDropped: number;
  };
}

export interface PongMessage {
  readonly v: number;
  readonly kind: 'pong';
  readonly t: number;
  readonly serverNs: string;
}

export interface ErrorMessage {
  readonly v: number;
  readonly kind: 'error';
  readonly code: string;
  readonly message: string;
  /** The `ref` of the client message that caused it, when it had one. */
  readonly ref?: string;
}

export type ServerMessage =
  HelloMessage | FrameMessage | MasksMessage | StateMessage | PongMessage | ErrorMessage;

// ---- client → server (JSON text; schemas are the single source of the types) ---------------

const Coord = NumberSchema({ minimum: -1e6, maximum: 1e6 });
const Ref = Optional(StringSchema({ maxLength: 64 }));
const ObjectId = StringSchema({ minLength: 1, maxLength: 64 });
/** The frame shown when the user tapped (its `seq`): the daemon seeds the prompt on that frame. */
const FrameSeq = Optional(Integer({ minimum: 0 }));
export const PointLabel = Union([Literal('positive'), Literal('negative')]);
export const PromptPoint = ObjectSchema(
  { x: Coord, y: Coord, label: PointLabel },
  { additionalProperties: false },
);
export type PromptPoint = Static<typeof PromptPoint>;
export const PromptBox = ObjectSchema(
  { x0: Coord, y0: Coord, x1: Coord, y1: Coord },
  { additionalProperties: false },
);
export type PromptBox = Static<typeof PromptBox>;

const msg = <K extends string, P extends TProperties>(kind: K, props: P) =>
  ObjectSchema(
    { v: Integer(), kind: Literal(kind), ref: Ref, ...props },
    { additionalProperties: false },
  );

export const ClientMessage = Union([
  /**
   * A tap: a positive point that starts a new object, unless it falls near where a lost object was
   * last seen: then it re-acquires that object (appliance/live/reacquire.ts).
   */
  msg('addPrompt', { x: Coord, y: Coord, frameSeq: FrameSeq }),
  /** A refining point on an existing object. */
  msg('addPoint', {
    objectId: ObjectId,
    x: Coord,
    y: Coord,
    label: PointLabel,
    frameSeq: FrameSeq,
  }),
  msg('removePrompt', { objectId: ObjectId }),
  msg('setMode', { mode: Union([Literal('paired'), Literal('newest')]) }),
  /** `t`: the client's clock (ms); answered by `pong {t, serverNs}`. */
  msg('ping', { t: NumberSchema() }),
]);
export type ClientMessage = Static<typeof ClientMessage>;

/** Distributes Omit over a union. */
type OmitV<T> = T extends unknown ? Omit<T, 'v'> : never;
/** A client message as written by a caller (the version is added on encoding). */
export type ClientMessageBody = OmitV<ClientMessage>;

export function encodeClientMessage(message: ClientMessageBody): string {
  return JSON.stringify({ v: TABLET_PROTOCOL_VERSION, ...message });
}

// ---- binary envelope --------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Builds one server message; `payload` parts are concatenated after the header. */
export function encodeServerMessage(
  header: ServerMessage,
  payload: readonly Uint8Array[] = [],
): Uint8Array {
  const json = utf8Encoder.encode(JSON.stringify(header));
  const total = 4 + json.length + payload.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = 4 + json.length;
  for (const part of payload) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export class TabletProtocolError extends Error {
  override readonly name = 'TabletProtocolError';
  constructor(
    readonly code: 'BAD_MESSAGE' | 'PROTOCOL_VERSION_MISMATCH',
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

const SERVER_KINDS = new Set(['hello', 'frame', 'masks', 'state', 'pong', 'error']);

/** Splits a server message; checks the version and the kind, trusts the rest (the server's own). */
export function decodeServerMessage(bytes: Uint8Array): {
  header: ServerMessage;
  payload: Uint8Array;
} {
  if (bytes.length < 4) throw new TabletProtocolError('BAD_MESSAGE', 'shorter than its prefix');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + n > bytes.length) throw new TabletProtocolError('BAD_MESSAGE', 'header overruns');
  let header: unknown;
  try {
    header = JSON.parse(utf8Decoder.decode(bytes.subarray(4, 4 + n)));
  } catch {
    throw new TabletProtocolError('BAD_MESSAGE', 'header is not JSON');
  }
  if (typeof header !== 'object' || header === null) {
    throw new TabletProtocolError('BAD_MESSAGE', 'header is not an object');
  }
  const { v, kind } = header as { v?: unknown; kind?: unknown };
  if (v !== TABLET_PROTOCOL_VERSION) {
    throw new TabletProtocolError(
      'PROTOCOL_VERSION_MISMATCH',
      `server speaks ${String(v)}, this client ${TABLET_PROTOCOL_VERSION}`,
    );
  }
  if (typeof kind !== 'string' || !SERVER_KINDS.has(kind)) {
    throw new TabletProtocolError('BAD_MESSAGE', `unknown kind ${String(kind)}`);
  }
  return { header: header as ServerMessage, payload: bytes.subarray(4 + n) };
}

/** The run-length mask bytes of one object of a frame/masks message. */
export function maskBytes(payload: Uint8Array, object: MaskObjectView): Uint8Array {
  if (object.rleOffset + object.rleLength > payload.length) {
    throw new TabletProtocolError('BAD_MESSAGE', `mask of ${object.objectId} overruns the payload`);
  }
  return payload.subarray(object.rleOffset, object.rleOffset + object.rleLength);
}

/** Monotonic ns (decimal string) → ms as a number, without losing ms precision past 2^53 ns. */
export function nsToMs(ns: string): number {
  const s = ns.padStart(7, '0');
  return Number(s.slice(0, -6)) + Number(s.slice(-6)) / 1e6;
}
