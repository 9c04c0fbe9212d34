/**
 * Cines with ground truth for tracking evaluation: the synthetic phantom (exact labels, and the
 * in-view fraction of each structure's full shape), or a folder of frames with one reference mask
 * PNG per frame (same file names; each non-zero label value is one object across frames).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createPhantom, type PhantomParams } from '../../capture/phantom/index.ts';
import { EngineError } from '../../inference/engine/errors.ts';
import { toGrey, type Frame } from '../../inference/engine/frame.ts';
import { fileStem, IMAGE_EXTENSIONS } from '../eval/file-pairing.ts';
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

/** Frames in `dir` (sorted by name) with reference masks of the same stem in `referenceDir`. */
export async function fileCine(dir: string, referenceDir: string): Promise<Cine> {
  const list = async (d: string) => {
    try {
      return (await readdir(d)).sort();
    } catch (e) {
      throw new EngineError(
        'EVAL_INPUT_INVALID',
        `cannot read folder ${d}: ${(e as Error).message}`,
      );
    }
  };
  const frames = (await list(dir)).filter((n) =>
    IMAGE_EXTENSIONS.some((ext) => n.toLowerCase().endsWith(ext)),
  );
  if (frames.length === 0) throw new EngineError('EVAL_INPUT_INVALID', `no frames in ${dir}`);
  const refs = new Map((await list(referenceDir)).map((n) => [fileStem(n), n]));
  const pairs = frames.map((n) => {
    const ref = refs.get(fileStem(n));
    if (!ref) {
      throw new EngineError(
        'EVAL_INPUT_INVALID',
        `frame ${n} has no reference mask in ${referenceDir}`,
      );
    }
    return { image: join(dir, n), mask: join(referenceDir, ref) };
  });
  const first = await readImageFrame(pairs[0]!.image);
  return {
    description: `${frames.length} frames from ${dir}`,
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
