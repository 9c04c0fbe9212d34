/**
 * The phantom: precomputes everything frame-independent once (field of view, speckle, gains, scene)
 * and then renders any frame index directly, with its exact label image and per-object facts.
 */
import { buildDepthGains } from './attenuation.ts';
import { applyBeamEffect } from './beam-shadows.ts';
import { paintStructure, type PaintStats } from './echo-map.ts';
import { buildFieldOfView, type FieldOfView } from './field-of-view.ts';
import { resolveParams, type PhantomParams } from './params.ts';
import { buildImageFormation, formImage } from './render.ts';
import { buildScene, sceneShapesAt, type Scene, type StructureKind } from './scene.ts';
import type { StructureShape } from './shape.ts';
import { buildSpeckle } from './speckle.ts';

export interface PhantomObject {
  /** Structure id: its value in the label image (1-based). */
  readonly id: number;
  readonly kind: StructureKind;
  /** Centroid of the whole structure (pixel centres inside its shape, even outside the view). */
  readonly centroid: { readonly x: number; readonly y: number };
  /** Pixels labelled with this id (inside the field of view and not covered by a higher id). */
  readonly areaPx: number;
  /** Pixel centres inside the whole, unclipped shape. */
  readonly fullAreaPx: number;
  /** Share of the whole shape's pixels that lie in the field of view (0 when fullAreaPx is 0). */
  readonly inViewFraction: number;
  /** Requested echo level relative to background tissue, dB. */
  readonly contrastDb: number;
}

export interface PhantomFrame {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  /** 8-bit grey B-mode image, row-major, width × height; 0 outside the field of view. */
  readonly image: Uint8Array;
  /** Label image: 0 = background or outside the field of view, k = structure id k. */
  readonly labels: Uint8Array;
  /** One entry per structure, by ascending id, including structures currently out of view. */
  readonly objects: readonly PhantomObject[];
}

export interface Phantom {
  readonly params: PhantomParams;
  readonly fieldOfView: FieldOfView;
  readonly scene: Scene;
  /** Frame `index` (a non-negative integer), computed directly: equal for equal (params, index). */
  frame(index: number): PhantomFrame;
  /** Linear echo amplitude of frame `index` before log compression (0 outside the view). */
  envelope(index: number): Float32Array;
  /** Outline of every structure at frame `index` (array index = id − 1). */
  shapesAt(index: number): StructureShape[];
}

function checkIndex(index: number): void {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`phantom: frame index must be a non-negative integer, got ${index}`);
  }
}

export function createPhantom(overrides: Partial<PhantomParams> = {}): Phantom {
  const params = resolveParams(overrides);
  const fov = buildFieldOfView(params);
  const speckle = buildSpeckle(params, fov);
  const formation = buildImageFormation(params, fov, speckle, buildDepthGains(params, fov));
  const scene = buildScene(params, fov);
  const edgePx = Math.max(1, params.speckleSizePx * params.axialToLateral);
  const echo = new Float32Array(params.width * params.height);

  const shapesAt = (index: number): StructureShape[] => {
    checkIndex(index);
    return sceneShapesAt(scene, index / params.fps);
  };

  const render = (index: number, envelope: Float32Array | null): PhantomFrame => {
    const shapes = shapesAt(index);
    const n = params.width * params.height;
    const labels = new Uint8Array(n);
    const image = new Uint8Array(n);
    echo.fill(1);
    const stats: PaintStats[] = [];
    scene.structures.forEach((spec, j) => {
      const shape = shapes[j];
      if (shape === undefined) throw new Error(`phantom: no shape for structure ${spec.id}`);
      stats.push(paintStructure(fov, spec, shape, edgePx, echo, labels));
    });
    // Beam effects come after all painting: a shadow darkens whatever lies below, whatever its id.
    scene.structures.forEach((spec, j) => {
      const shape = shapes[j];
      if (shape === undefined) return;
      if (spec.enhancesBelow) applyBeamEffect(fov, shape, params.posteriorEnhancementDb, echo);
      if (spec.castsShadow) applyBeamEffect(fov, shape, params.shadowDb, echo);
    });
    formImage(formation, params.seed, index, echo, image, envelope);

    const areas = new Int32Array(scene.structures.length + 1);
    const inside = fov.inside;
    for (let k = 0; k < inside.length; k++) {
      const l = labels[inside[k] ?? 0] ?? 0;
      areas[l] = (areas[l] ?? 0) + 1;
    }
    const objects = scene.structures.map((spec, j): PhantomObject => {
      const s = stats[j] ?? { fullArea: 0, sumX: 0, sumY: 0, inViewArea: 0 };
      const shape = shapes[j];
      return {
        id: spec.id,
        kind: spec.kind,
        centroid:
          s.fullArea > 0
            ? { x: s.sumX / s.fullArea, y: s.sumY / s.fullArea }
            : { x: shape?.cx ?? 0, y: shape?.cy ?? 0 },
        areaPx: areas[spec.id] ?? 0,
        fullAreaPx: s.fullArea,
        inViewFraction: s.fullArea > 0 ? s.inViewArea / s.fullArea : 0,
        contrastDb: spec.contrastDb,
      };
    });
    return { index, width: params.width, height: params.height, image, labels, objects };
  };

  return {
    params,
    fieldOfView: fov,
    scene,
    frame: (index) => render(index, null),
    envelope: (index) => {
      const env = new Float32Array(params.width * params.height);
      render(index, env);
      return env;
    },
    shapesAt,
  };
}

/** A single still image (frame 0) of the scene drawn from `seed`, for image-level evaluation. */
export function phantomStill(seed: number, overrides: Partial<PhantomParams> = {}): PhantomFrame {
  return createPhantom({ ...overrides, seed }).frame(0);
}
