/**
 * Encoder of the built-in model: speckle-reducing block average to the feature grid, then
 * Gaussian smoothing at two scales and the gradient of the edge scale. Prompt-independent, so it
 * runs once per frame, like a SAM image encoder.
 * Input `image` [1,1,S,S] (grey 0–255, padded); output `image_embeddings` [1,C,G,G]: the grid image
 * smoothed at each region scale, then ∂/∂x and ∂/∂y of the grid image smoothed at each edge scale
 * (intensities on a 0–1 scale, derivatives per grid px).
 */
import { GraphBuilder } from '../onnx/graph-builder.ts';
import { embeddingChannels, type BuiltinParams } from './params.ts';

export function gaussianKernel(sigma: number): number[] {
  const half = Math.ceil(3 * sigma);
  const k: number[] = [];
  for (let i = -half; i <= half; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/** Separable 2-D convolution of a 1-channel tensor with edge replication (Pad edge + Conv). */
function separable(
  g: GraphBuilder,
  x: string,
  kx: readonly number[],
  ky: readonly number[],
): string {
  const hx = (kx.length - 1) / 2;
  const hy = (ky.length - 1) / 2;
  const px = g.op('Pad', [x, g.ints([0, 0, 0, hx, 0, 0, 0, hx])], { mode: { s: 'edge' } });
  const cx = g.op('Conv', [px, g.constant('float32', [1, 1, 1, kx.length], kx)]);
  const py = g.op('Pad', [cx, g.ints([0, 0, hy, 0, 0, 0, hy, 0])], { mode: { s: 'edge' } });
  return g.op('Conv', [py, g.constant('float32', [1, 1, ky.length, 1], ky)]);
}

export function buildEncoder(p: BuiltinParams): Uint8Array {
  const g = new GraphBuilder('pocus_builtin_encoder');
  const S = p.inputSize;
  const G = p.gridSize;
  const image = g.input('image', 'float32', [1, 1, S, S]);
  const unit = g.op('Mul', [image, g.scalar(1 / 255)]);
  const factor = S / G;
  const grid = g.op('AveragePool', [unit], {
    kernel_shape: { ints: [factor, factor] },
    strides: { ints: [factor, factor] },
  });
  const smooth = (sigma: number) => {
    const kern = gaussianKernel(sigma);
    return separable(g, grid, kern, kern);
  };
  const regions = p.regionScales.map(smooth);
  // Central differences: ∂/∂x and ∂/∂y in intensity per grid px.
  const d = [-0.5, 0, 0.5];
  const gradients = p.edgeScales.flatMap((sigma) => {
    const e = smooth(sigma);
    return [separable(g, e, d, [1]), separable(g, e, [1], d)];
  });
  const out = g.op('Concat', [...regions, ...gradients], { axis: { i: 1 } });
  g.output(out, 'image_embeddings', 'float32', [1, embeddingChannels(p), G, G]);
  return g.toBytes({ role: 'encoder', model: 'pocus-builtin' });
}
