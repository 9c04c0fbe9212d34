/**
 * Cines with ground truth for tracking evaluation: the synthetic phantom (exact labels, and the
 * in-view fraction of each structure's full shape), or a folder of frames with one reference mask
 * PNG per frame (same file names; each non-zero label value is one object across frames).
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createPhantom, type PhantomParams } from '../../capture/phantom/index.ts';
import { EngineError } from '../../inference/engine/errors.ts';
import { toGrey, type Frame } from '../../inference/engine/frame.ts';
import { pairFiles } from '../eval/file-pairing.ts';
import { readImageFrame, readLabelImage } from '../eval/image-files.ts';

export interface TruthObject {
  readonly objectId: string;
  /** Label value of the object in `labels`. */
  readonly label: number;
  /** At least half of the object's full area is inside the field (files: it is visible at all). */
  readonly inView: boolean;
  /** Visible pixels. */
  readonly area: number;
}

export interface CineFrame {
  readonly index: number;
  readonly frame: Frame;
  readonly grey: Uint8Array;
  /** Label image: 0 background, else an object's label value. */
  readonly labels: Uint8Array | Uint32Array;
  readonly objects: readonly TruthObject[];
}

export interface Cine {
  readonly description: string;
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  frame(index: number): Promise<CineFrame>;
}

/** The phantom's cine: `seconds` at its frame rate; reflectors (calcifications) are not objects. */
export function syntheticCine(seconds: number, overrides: Partial<PhantomParams>): Cine {
  const phantom = createPhantom(overrides);
  const { width, height, fps, seed, difficulty } = phantom.params;
  return {
    description: `synthetic phantom seed ${seed} (${difficulty}), ${seconds} s at ${fps} fps`,
    frameCount: Math.max(1, Math.round(seconds * fps)),
    width,
    height,
    frame: (index) => {
      const f = phantom.frame(index);
      const frame: Frame = { width, height, channels: 1, data: f.image };
      return Promise.resolve({
        index,
        frame,
        grey: f.image,
        labels: f.labels,
        objects: f.objects
          .filter((o) => o.kind !== 'reflector')
          .map((o) => ({
            objectId: `s${o.id}`,
            label: o.id,
            inView: o.inViewFraction >= 0.5 && o.areaPx > 0,
            area: o.areaPx,
          })),
      });
    },
  };
}

/**
 * Frames in `dir` with reference masks in `referenceDir`, paired as `npm run eval` pairs them
 * (same stem, or the frame's stem with a suffix such as `_mask`; one folder for both works too),
 * in numeric-aware name order.
 */
export async function fileCine(dir: string, referenceDir: string): Promise<Cine> {
  const list = async (d: string) => {
    try {
      return await readdir(d);
    } catch (e) {
      throw new EngineError(
        'EVAL_INPUT_INVALID',
        `cannot read folder ${d}: ${(e as Error).message}`,
      );
    }
  };
  const sameFolder = resolve(dir) === resolve(referenceDir);
  const pairs = pairFiles(await list(dir), await list(referenceDir), { sameFolder }).map((p) => ({
    image: join(dir, p.image),
    mask: join(referenceDir, p.mask),
  }));
  const first = await readImageFrame(pairs[0]!.image);
  return {
    description: `${pairs.length} frames from ${dir}`,
    frameCount: pairs.length,
    width: first.width,
    height: first.height,
    frame: async (index) => {
      const pair = pairs[index]!;
      const frame = await readImageFrame(pair.image);
      const labelImage = await readLabelImage(pair.mask);
      if (frame.width !== first.width || frame.height !== first.height) {
        throw new EngineError(
          'EVAL_INPUT_INVALID',
          `${pair.image}: frame size differs from the first frame`,
        );
      }
      if (labelImage.width !== frame.width || labelImage.height !== frame.height) {
        throw new EngineError('EVAL_INPUT_INVALID', `${pair.mask}: size differs from its frame`);
      }
      const areas = new Map<number, number>();
      for (const v of labelImage.labels) if (v) areas.set(v, (areas.get(v) ?? 0) + 1);
      const minArea = 0.001 * frame.width * frame.height;
      return {
        index,
        frame,
        grey: toGrey(frame),
        labels: labelImage.labels,
        objects: [...areas.entries()].map(([label, area]) => ({
          objectId: `label${label}`,
          label,
          inView: area >= minArea,
          area,
        })),
      };
    },
  };
}
