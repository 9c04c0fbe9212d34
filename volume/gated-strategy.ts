/**
 * A tracking strategy for volumes: another strategy's observations, gated by the object's intensity
 * (intensity-gate.ts). Each object's band is learnt from its seeded observation (the prompted slice;
 * again when the user re-seeds it) and holds for both directions of a propagation; each later slice
 * is gated and kept connected to the previous slice's mask, so the next slice's prompt (box,
 * interior point) is built from the gated mask.
 */
import type { BinaryMask } from '../inference/engine/mask.ts';
import type { Embedding } from '../inference/engine/types.ts';
import { distanceTransform } from '../inference/engine/distance-transform.ts';
import type { ObjectTrack } from '../inference/tracking/object-track.ts';
import type {
  Neighbour,
  Observation,
  TrackingStrategy,
} from '../inference/tracking/tracking-strategy.ts';
import {
  DEFAULT_GATE_PARAMS,
  gateMask,
  gatePixels,
  learnBand,
  type GateParams,
  type GatePixels,
  type IntensityBand,
} from './intensity-gate.ts';

/** The deeper half of a mask (pixels at least half its largest depth inside it). */
function core(mask: BinaryMask): Uint8Array {
  const depth = distanceTransform(mask.data, mask.width, mask.height);
  let deepest = 0;
  for (let i = 0; i < depth.length; i++) if (mask.data[i]) deepest = Math.max(deepest, depth[i]!);
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < depth.length; i++) out[i] = mask.data[i] && depth[i]! >= deepest / 2 ? 1 : 0;
  return out;
}

export class IntensityGatedStrategy implements TrackingStrategy {
  readonly name: string;
  /** Each object's band (a band is two numbers: objects removed by the user are not pruned). */
  private readonly bands = new Map<string, IntensityBand>();
  private readonly pixels: GatePixels;

  /** `pixelMm`: the slices' in-plane pixel size. */
  constructor(
    private readonly inner: TrackingStrategy,
    pixelMm: number,
    private readonly params: GateParams = DEFAULT_GATE_PARAMS,
  ) {
    this.name = `${inner.name}+intensity-gate`;
    this.pixels = gatePixels(params, pixelMm);
  }

  /** The object's learnt band (undefined before the observation of its seed). */
  intensityBand(objectId: string): IntensityBand | undefined {
    return this.bands.get(objectId);
  }

  async observe(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others?: readonly Neighbour[],
  ): Promise<Observation | null> {
    const o = await this.inner.observe(embedding, grey, track, others);
    return o && this.gate(o, grey, track);
  }

  async alternatives(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others?: readonly Neighbour[],
  ): Promise<Observation[]> {
    if (!this.inner.alternatives) return [];
    const all = await this.inner.alternatives(embedding, grey, track, others);
    return all.map((o) => this.gate(o, grey, track));
  }

  private gate(o: Observation, grey: Uint8Array, track: ObjectTrack): Observation {
    const { width, height } = o.mask;
    if (track.seed) {
      const learnt = learnBand(grey, o.mask.data, width, height, this.params, this.pixels);
      if (learnt) this.bands.set(track.objectId, learnt);
      else this.bands.delete(track.objectId);
    }
    const band = this.bands.get(track.objectId);
    if (!band) return o;
    const previous = track.seed ? undefined : track.last?.mask.data;
    const anchor = previous ?? core(o.mask);
    const data = gateMask(grey, o.mask.data, anchor, width, height, band, this.pixels, previous);
    return { ...o, mask: { width, height, data } };
  }
}
