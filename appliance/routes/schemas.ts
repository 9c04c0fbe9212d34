/**
 * Schemas of the REST API (request validation and response serialisation: a field not listed
 * here never leaves the appliance). The types are derived from them, never written twice.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DaemonStats } from '../../inference/protocol/messages.ts';
import { PromptBox, PromptPoint } from '../live/tablet-protocol.ts';
import { MAX_POINTS_PER_OBJECT } from '../prompt-service.ts';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorReply = Type.Object({ code: Type.String(), message: Type.String() });
export type ErrorReply = Static<typeof ErrorReply>;

export const PromptViewSchema = Type.Object({
  objectId: Type.String(),
  color: Type.String(),
  points: Type.Array(PromptPoint),
  box: Type.Optional(PromptBox),
  createdBy: Type.String(),
  updatedAtMs: Type.Number(),
});

export const PromptList = Type.Object({ prompts: Type.Array(PromptViewSchema) });

export const AddPromptBody = Type.Object(
  {
    points: Type.Array(PromptPoint, { maxItems: MAX_POINTS_PER_OBJECT }),
    box: Type.Optional(PromptBox),
    frameSeq: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'the frame the prompt was placed on (its seq): the daemon seeds it there and tracks it to the newest frame',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AddPromptBody = Static<typeof AddPromptBody>;

export const AddPromptReply = Type.Object({ prompt: PromptViewSchema });

export const ObjectIdParams = Type.Object({
  objectId: Type.String({ minLength: 1, maxLength: 64 }),
});
export type ObjectIdParams = Static<typeof ObjectIdParams>;

export const RemovePromptReply = Type.Object({ objectId: Type.String() });

export const PromptEventsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type PromptEventsQuery = Static<typeof PromptEventsQuery>;

export const PromptEventsReply = Type.Object({
  events: Type.Array(
    Type.Object({
      id: Type.Integer(),
      atMs: Type.Number(),
      clientId: Type.String(),
      clientName: Nullable(Type.String()),
      action: Type.Union([Type.Literal('add'), Type.Literal('update'), Type.Literal('remove')]),
      objectId: Type.String(),
      payload: Type.Unknown(),
      sessionId: Nullable(Type.Integer()),
    }),
  ),
});

export const SourceReply = Type.Object({
  state: Type.Union([Type.Literal('live'), Type.Literal('stale'), Type.Literal('down')]),
  sourceId: Nullable(Type.String()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  channels: Nullable(Type.Integer()),
  fps: Type.Number({ description: 'measured over the last 2 s of arrivals' }),
  lastFrameAgeMs: Nullable(Type.Number()),
  lastSeq: Nullable(Type.Integer()),
  framesReceived: Type.Integer(),
  framesSkipped: Type.Integer({
    description: 'seq gaps: frames conflated away before the appliance read them',
  }),
});
export type SourceReply = Static<typeof SourceReply>;

const ServiceState = Type.Union([
  Type.Literal('ok'),
  Type.Literal('live'),
  Type.Literal('stale'),
  Type.Literal('down'),
  Type.Literal('connecting'),
  Type.Literal('ready'),
]);

export const HealthReply = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  capture: Type.Object({
    state: ServiceState,
    sourceId: Nullable(Type.String()),
    lastFrameAgeMs: Nullable(Type.Number()),
    fps: Type.Number(),
  }),
  inference: Type.Object({
    state: ServiceState,
    modelId: Nullable(Type.String()),
    modelSha256: Nullable(Type.String()),
    executionProvider: Nullable(Type.String()),
    bootId: Nullable(Type.String()),
    paused: Nullable(Type.Boolean()),
    lastStatusAgeMs: Nullable(Type.Number()),
    promptCount: Nullable(Type.Integer()),
    promptSync: Type.String(),
    lastError: Nullable(ErrorReply),
    stats: Nullable(DaemonStats),
  }),
  appliance: Type.Object({
    state: ServiceState,
    uptimeS: Type.Number(),
    clients: Type.Integer(),
    activePrompts: Type.Integer(),
    storeSchemaVersion: Type.Integer(),
  }),
});
export type HealthReply = Static<typeof HealthReply>;

export const LiveStatsReply = Type.Object({
  clients: Type.Array(
    Type.Object({
      clientId: Type.String(),
      name: Nullable(Type.String()),
      mode: Type.String(),
      bufferedAmount: Type.Integer(),
      framesSent: Type.Integer(),
      framesDropped: Type.Integer(),
      masksDropped: Type.Integer(),
      controlDropped: Type.Integer(),
    }),
  ),
  framesEncoded: Type.Integer(),
  encodeDropped: Type.Integer(),
  encodeFailed: Type.Integer(),
  pairing: Type.Object({
    paired: Type.Integer(),
    alone: Type.Integer(),
    superseded: Type.Integer(),
    lateMasks: Type.Integer(),
  }),
});
