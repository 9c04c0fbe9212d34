/**
 * Depth-dependent amplitude gains: tissue attenuation partly undone by time-gain compensation (TGC),
 * and the electronic noise floor, which TGC amplifies with depth.
 */
import type { FieldOfView } from './field-of-view.ts';
import type { PhantomParams } from './params.ts';

export interface DepthGains {
  /** Amplitude gain of tissue echo per pixel (0 outside the field of view). */
  readonly tissue: Float32Array;
  /** Amplitude of the electronic noise per pixel (0 outside the field of view). */
  readonly noise: Float32Array;
}

const dbToAmplitude = (db: number): number => Math.pow(10, db / 20);

/** Net tissue gain in dB at a depth (px): −attenuation + tgcCompensation × attenuation. */
export function tissueGainDb(p: PhantomParams, fov: FieldOfView, depth: number): number {
  const attenuation = (p.attenuationDb * Math.max(depth, 0)) / Math.max(fov.maxDepth, 1);
  return -attenuation * (1 - p.tgcCompensation);
}

export function buildDepthGains(p: PhantomParams, fov: FieldOfView): DepthGains {
  const n = p.width * p.height;
  const tissue = new Float32Array(n);
  const noise = new Float32Array(n);
  for (const i of fov.inside) {
    const d = Math.max(fov.depth[i] ?? 0, 0);
    const tgcDb = (p.tgcCompensation * p.attenuationDb * d) / Math.max(fov.maxDepth, 1);
    tissue[i] = dbToAmplitude(tissueGainDb(p, fov, d));
    noise[i] = dbToAmplitude(p.noiseDb + tgcDb);
  }
  return { tissue, noise };
}
