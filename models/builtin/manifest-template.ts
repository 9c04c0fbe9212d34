/** The built-in model's manifest, filled with the checksums of freshly built files. */
import type { Manifest } from '../../inference/engine/manifest.ts';
import { BUILTIN_PARAMS, embeddingChannels, type BuiltinParams } from './params.ts';

export function builtinManifest(
  encoderSha256: string,
  decoderSha256: string,
  P: BuiltinParams = BUILTIN_PARAMS,
): Manifest {
  const G = P.gridSize;
  const C = embeddingChannels(P);
  return {
    schemaVersion: 1,
    id: 'builtin',
    family: 'builtin',
    description:
      'Built-in classical segmenter (star-HMM): speckle-reduced features; polar contour inference seeded by the prompt. No learned weights.',
    files: {
      encoder: { path: 'encoder.onnx', sha256: encoderSha256 },
      decoder: { path: 'decoder.onnx', sha256: decoderSha256 },
    },
    preprocess: {
      resize: 'longest-side',
      size: P.inputSize,
      pad: true,
      layout: 'NCHW',
      channels: 1,
      normalize: { kind: 'none' },
    },
    encoder: {
      inputs: [{ name: 'image', dtype: 'float32', shape: [1, 1, P.inputSize, P.inputSize] }],
      outputs: [{ name: 'image_embeddings', dtype: 'float32', shape: [1, C, G, G] }],
    },
    decoder: {
      inputs: [
        { name: 'image_embeddings', dtype: 'float32', shape: [1, C, G, G], role: 'embedding' },
        {
          name: 'point_coords',
          dtype: 'float32',
          shape: [1, 'num_points', 2],
          role: 'point_coords',
        },
        { name: 'point_labels', dtype: 'float32', shape: [1, 'num_points'], role: 'point_labels' },
        { name: 'mask_input', dtype: 'float32', shape: [1, 1, G, G], role: 'mask_input' },
        { name: 'has_mask_input', dtype: 'float32', shape: [1], role: 'has_mask_input' },
        { name: 'orig_im_size', dtype: 'float32', shape: [2], role: 'orig_im_size' },
      ],
      outputs: [
        { name: 'iou_predictions', dtype: 'float32', shape: [1, 1], role: 'scores' },
        { name: 'low_res_masks', dtype: 'float32', shape: [1, 1, G, G], role: 'low_res_masks' },
      ],
      pointCoords: 'model-input',
      padPoint: false,
      pointOffset: 0,
    },
    output: { maskSource: 'low_res_masks', threshold: 0, postprocess: [] },
  };
}
