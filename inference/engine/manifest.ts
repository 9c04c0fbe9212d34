/**
 * The model manifest (`models/<id>/manifest.json`): schema, derived types and parsing.
 * The schema is the single source of the types; parsing refuses anything the schema does not allow.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { EngineError } from './errors.ts';

const Dim = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })], {
  description: 'fixed size, or a symbolic name for a dynamic dimension',
});

const TensorSpec = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    dtype: Type.Union([Type.Literal('float32'), Type.Literal('int64'), Type.Literal('uint8')]),
    shape: Type.Array(Dim),
  },
  { additionalProperties: false },
);

const DecoderInputRole = Type.Union([
  Type.Literal('embedding'),
  Type.Literal('point_coords'),
  Type.Literal('point_labels'),
  Type.Literal('mask_input'),
  Type.Literal('has_mask_input'),
  Type.Literal('orig_im_size'),
]);
const DecoderOutputRole = Type.Union([
  Type.Literal('masks'),
  Type.Literal('scores'),
  Type.Literal('low_res_masks'),
]);

const FileRef = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'relative to the manifest folder' }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);

const Normalize = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('mean-std'),
      mean: Type.Array(Type.Number(), { minItems: 1, maxItems: 3 }),
      std: Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, maxItems: 3 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('min-max') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
]);

export const ManifestSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' }),
    family: Type.Union([
      Type.Literal('builtin'),
      Type.Literal('sam'),
      Type.Literal('mobilesam'),
      Type.Literal('medsam'),
    ]),
    description: Type.String(),
    files: Type.Object({ encoder: FileRef, decoder: FileRef }, { additionalProperties: false }),
    preprocess: Type.Object(
      {
        resize: Type.Union([Type.Literal('longest-side'), Type.Literal('stretch')]),
        size: Type.Integer({ minimum: 16, maximum: 4096 }),
        pad: Type.Boolean({ description: 'pad bottom/right to size × size' }),
        layout: Type.Union([Type.Literal('NCHW'), Type.Literal('HWC')]),
        channels: Type.Union([Type.Literal(1), Type.Literal(3)]),
        normalize: Normalize,
      },
      { additionalProperties: false },
    ),
    encoder: Type.Object(
      {
        inputs: Type.Array(TensorSpec, { minItems: 1, maxItems: 1 }),
        outputs: Type.Array(TensorSpec, { minItems: 1 }),
      },
      { additionalProperties: false },
    ),
    decoder: Type.Object(
      {
        inputs: Type.Array(
          Type.Object(
            { ...TensorSpec.properties, role: DecoderInputRole },
            { additionalProperties: false },
          ),
        ),
        outputs: Type.Array(
          Type.Object(
            { ...TensorSpec.properties, role: DecoderOutputRole },
            { additionalProperties: false },
          ),
        ),
        pointCoords: Type.Union([Type.Literal('model-input'), Type.Literal('original')], {
          description: 'space of point_coords: model-input pixels (SAM) or original pixels',
        }),
        padPoint: Type.Boolean({ description: 'append (0,0) label -1 when there is no box (SAM)' }),
        pointOffset: Type.Number({
          description:
            'added to model-input point coordinates: -0.5 for SAM exports, which take pixel indices and add 0.5 themselves',
        }),
      },
      { additionalProperties: false },
    ),
    output: Type.Object(
      {
        maskSource: Type.Union([Type.Literal('masks'), Type.Literal('low_res_masks')], {
          description:
            'masks: the decoder returns original-size logits; low_res_masks: the engine upsamples',
        }),
        threshold: Type.Number(),
        postprocess: Type.Array(
          Type.Union([Type.Literal('keep-prompted-components'), Type.Literal('fill-holes')]),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Manifest = Static<typeof ManifestSchema>;
export type TensorSpec = Static<typeof TensorSpec>;
export type DecoderInputSpec = Manifest['decoder']['inputs'][number];
export type DecoderOutputSpec = Manifest['decoder']['outputs'][number];
export type PreprocessSpec = Manifest['preprocess'];

const REQUIRED_INPUT_ROLES = ['embedding', 'point_coords', 'point_labels', 'orig_im_size'] as const;

export function parseManifest(json: unknown, where: string): Manifest {
  if (!Value.Check(ManifestSchema, json)) {
    const first = [...Value.Errors(ManifestSchema, json)].slice(0, 3);
    const detail = first.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
    throw new EngineError('MODEL_MANIFEST_INVALID', `${where}: ${detail}`);
  }
  const m = json;
  for (const role of REQUIRED_INPUT_ROLES) {
    if (!m.decoder.inputs.some((i) => i.role === role)) {
      throw new EngineError('MODEL_MANIFEST_INVALID', `${where}: decoder has no ${role} input`);
    }
  }
  const outRoles = new Set(m.decoder.outputs.map((o) => o.role));
  if (!outRoles.has('low_res_masks') || !outRoles.has('scores')) {
    throw new EngineError(
      'MODEL_MANIFEST_INVALID',
      `${where}: decoder needs scores and low_res_masks outputs`,
    );
  }
  if (m.output.maskSource === 'masks' && !outRoles.has('masks')) {
    throw new EngineError(
      'MODEL_MANIFEST_INVALID',
      `${where}: maskSource is masks but no masks output`,
    );
  }
  const encoderOut = new Set(m.encoder.outputs.map((o) => o.name));
  for (const input of m.decoder.inputs) {
    if (input.role === 'embedding' && !encoderOut.has(input.name)) {
      throw new EngineError(
        'MODEL_MANIFEST_INVALID',
        `${where}: decoder embedding input ${input.name} is not an encoder output`,
      );
    }
  }
  return m;
}
