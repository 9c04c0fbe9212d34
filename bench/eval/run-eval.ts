/**
 * Runs a promptable segmentation model over a folder of images with ground-truth masks: prompts
 * from the truth, Dice/IoU per object, a trivial prior for comparison, simulated corrective clicks
 * and encoder/decoder timings; the result is the `npm run eval` report.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EngineError } from '../../inference/engine/errors.ts';
import type { Prompt, PromptBox, PromptPoint } from '../../inference/engine/prompts.ts';
import type { DecodeResult, Embedding, Segmenter } from '../../inference/engine/types.ts';
import { componentMask, connectedComponents, DEFAULT_MIN_AREA_FRACTION } from './components.ts';
import { nextCorrectiveClick } from './corrective-clicks.ts';
import { pairFiles, type FilePair } from './file-pairing.ts';
import { readImageFrame, readLabelImage } from './image-files.ts';
import { dice, diceFromCounts, iouFromCounts, overlapCounts } from './overlap-metrics.ts';
import { mean, percentile } from './percentiles.ts';
import { discMask, inscribedEllipseMask, medianEquivalentRadius } from './prior-baselines.ts';
import { boxPrompt, interiorPointPrompt, objectSeed } from './prompts-from-truth.ts';
import { starShapedFit } from './star-fit.ts';

export type EvalPromptKind = 'box' | 'point';

export interface EvalOptions {
  readonly imagesDir: string;
  readonly masksDir: string;
  readonly prompt: EvalPromptKind;
  /** Box sides are pushed out by a random fraction in [0, boxJitter) of the box size; 0 = exact box. */
  readonly boxJitter: number;
  /** Integer seed of the box jitter; each object's jitter depends only on the seed, image name and object index. */
  readonly seed: number;
  /** Number of simulated corrective clicks after the initial prompt (0 = none). */
  readonly clicks: number;
  /** Called after each image (e.g. to print progress on stderr); never called with stdout in mind. */
  readonly onProgress?: (done: number, total: number, image: string) => void;
}

export interface EvalObjectResult {
  /** Image file name (no folder). */
  readonly image: string;
  /** 0-based index of the object in its image: by label value, then raster order of its first pixel. */
  readonly objectIndex: number;
  /** The mask value of the object (grey value, or 0xRRGGBB for colour masks). */
  readonly label: number;
  readonly areaPx: number;
  readonly dice: number;
  readonly iou: number;
  /** Dice of the prior (inscribed ellipse for boxes, median-radius disc for points). */
  readonly baselineDice: number;
  /** Dice after click 1, 2, … (length = clicks). */
  readonly diceAfterClicks: number[];
  /** The model's own quality estimate for the initial prompt. */
  readonly score: number;
  /**
   * Dice of the truth's star-shaped fit around the prompt's centre (the box's centre, else the
   * point; star-fit.ts): about the best a contour star-shaped around that centre could score.
   */
  readonly starFitDice: number;
}

export interface TimingSummary {
  readonly p50: number;
  readonly p99: number;
}

/** The report; `--json` prints exactly this object. Means are over objects. */
export interface EvalReport {
  readonly model: string;
  readonly modelSha256: string;
  readonly prompt: EvalPromptKind;
  readonly boxJitter: number;
  readonly seed: number;
  /** Number of objects scored. */
  readonly n: number;
  readonly meanDice: number;
  readonly meanIoU: number;
  readonly baselineDice: number;
  /** Mean over objects of starFitDice (what a star-shaped contour could reach with these prompts). */
  readonly starFitDice: number;
  /** Mean Dice after click 1, 2, … */
  readonly diceAfterClicks: number[];
  readonly perObject: EvalObjectResult[];
  /** Per image: embedding.preprocessMs + encodeMs (nearest-rank percentiles). */
  readonly encoderMs: TimingSummary;
  /** Per decode call, clicks included: decodeMs + postprocessMs (nearest-rank percentiles). */
  readonly decoderMs: TimingSummary;
}

function checkOptions(o: EvalOptions): void {
  const bad = (what: string): never => {
    throw new EngineError('EVAL_INPUT_INVALID', what);
  };
  if (o.prompt !== 'box' && o.prompt !== 'point')
    bad(`prompt must be box or point, not ${String(o.prompt)}`);
  if (!Number.isFinite(o.boxJitter) || o.boxJitter < 0)
    bad(`box jitter must be a number ≥ 0, not ${o.boxJitter}`);
  if (!Number.isSafeInteger(o.seed)) bad(`seed must be an integer, not ${o.seed}`);
  if (!Number.isSafeInteger(o.clicks) || o.clicks < 0)
    bad(`clicks must be an integer ≥ 0, not ${o.clicks}`);
}

async function listFiles(dir: string, what: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (e) {
    throw new EngineError(
      'EVAL_INPUT_INVALID',
      `cannot list the ${what} folder ${dir}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** Lists and pairs the images and masks of a run (see pairFiles). */
export async function listPairs(imagesDir: string, masksDir: string): Promise<FilePair[]> {
  const [images, masks] = await Promise.all([
    listFiles(imagesDir, 'images'),
    listFiles(masksDir, 'masks'),
  ]);
  return pairFiles(images, masks, { sameFolder: resolve(imagesDir) === resolve(masksDir) });
}

function noObjects(pairs: number): EngineError {
  const pct = DEFAULT_MIN_AREA_FRACTION * 100;
  return new EngineError(
    'EVAL_INPUT_INVALID',
    `the ${pairs} mask(s) hold no object (a connected region of one non-zero value covering ≥ ${pct} % of the image)`,
  );
}

/**
 * Evaluates `segmenter` on every object of every image/mask pair. Each image is encoded once; each
 * object is decoded with its prompt, then with `clicks` corrective clicks, each adding a point to
 * the previous prompt and passing the previous result's low-resolution logits as `previousMask`.
 * Throws `EVAL_INPUT_INVALID` for bad options, folders, pairing, size mismatches or no objects, and
 * `IMAGE_UNSUPPORTED` for unreadable files; engine errors from the segmenter pass through.
 */
export async function runEval(segmenter: Segmenter, options: EvalOptions): Promise<EvalReport> {
  checkOptions(options);
  const { imagesDir, masksDir, prompt: kind, boxJitter, seed, clicks } = options;
  const pairs = await listPairs(imagesDir, masksDir);

  // The point prior needs the median object size of the whole set before the first object is scored.
  let discRadius = NaN;
  if (kind === 'point') {
    const areas: number[] = [];
    for (const pair of pairs) {
      const labels = await readLabelImage(join(masksDir, pair.mask));
      for (const c of connectedComponents(labels)) areas.push(c.area);
    }
    if (areas.length === 0) throw noObjects(pairs.length);
    discRadius = medianEquivalentRadius(areas);
  }

  const perObject: EvalObjectResult[] = [];
  const encoderMs: number[] = [];
  const decoderMs: number[] = [];
  const decode = async (embedding: Embedding, prompt: Prompt): Promise<DecodeResult> => {
    const result = await segmenter.decode(embedding, prompt);
    decoderMs.push(result.decodeMs + result.postprocessMs);
    const m = result.mask;
    if (m.width !== embedding.imageWidth || m.height !== embedding.imageHeight) {
      throw new EngineError(
        'INFERENCE_FAILED',
        `decoder returned a ${m.width}×${m.height} mask for a ${embedding.imageWidth}×${embedding.imageHeight} image`,
      );
    }
    return result;
  };

  for (const [done, pair] of pairs.entries()) {
    const labels = await readLabelImage(join(masksDir, pair.mask));
    const components = connectedComponents(labels);
    if (components.length > 0) {
      const frame = await readImageFrame(join(imagesDir, pair.image));
      const { width, height } = frame;
      if (labels.width !== width || labels.height !== height) {
        throw new EngineError(
          'EVAL_INPUT_INVALID',
          `image ${pair.image} is ${width}×${height} but its mask ${pair.mask} is ${labels.width}×${labels.height}`,
        );
      }
      const embedding = await segmenter.encode(frame);
      encoderMs.push(embedding.preprocessMs + embedding.encodeMs);

      for (const [objectIndex, component] of components.entries()) {
        const truth = componentMask(component, width, height);
        let box: PromptBox | undefined;
        let points: PromptPoint[];
        let prior: Uint8Array;
        let centre: { x: number; y: number };
        if (kind === 'box') {
          box = boxPrompt(
            component,
            width,
            height,
            boxJitter,
            objectSeed(seed, `${pair.image}#${objectIndex}`),
          );
          points = [];
          prior = inscribedEllipseMask(box, width, height);
          centre = { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2 };
        } else {
          const point = interiorPointPrompt(truth, width, height)!;
          points = [point];
          prior = discMask(point.x, point.y, discRadius, width, height);
          centre = point;
        }

        let result = await decode(embedding, box ? { points, box } : { points });
        const counts = overlapCounts(result.mask.data, truth);
        const score = result.score;
        const diceAfterClicks: number[] = [];
        for (let k = 0; k < clicks; k++) {
          const click = nextCorrectiveClick(result.mask.data, truth, width, height);
          if (click) {
            points = [...points, click];
            const previousMask = result.lowResLogits;
            result = await decode(
              embedding,
              box ? { points, box, previousMask } : { points, previousMask },
            );
          }
          diceAfterClicks.push(dice(result.mask.data, truth));
        }

        perObject.push({
          image: pair.image,
          objectIndex,
          label: component.label,
          areaPx: component.area,
          dice: diceFromCounts(counts),
          iou: iouFromCounts(counts),
          baselineDice: dice(prior, truth),
          diceAfterClicks,
          score,
          starFitDice: dice(starShapedFit(truth, width, height, centre), truth),
        });
      }
    }
    options.onProgress?.(done + 1, pairs.length, pair.image);
  }

  if (perObject.length === 0) throw noObjects(pairs.length);
  return {
    model: segmenter.modelId,
    modelSha256: segmenter.modelSha256,
    prompt: kind,
    boxJitter,
    seed,
    n: perObject.length,
    meanDice: mean(perObject.map((o) => o.dice)),
    meanIoU: mean(perObject.map((o) => o.iou)),
    baselineDice: mean(perObject.map((o) => o.baselineDice)),
    starFitDice: mean(perObject.map((o) => o.starFitDice)),
    diceAfterClicks: Array.from({ length: clicks }, (_, k) =>
      mean(perObject.map((o) => o.diceAfterClicks[k]!)),
    ),
    perObject,
    encoderMs: { p50: percentile(encoderMs, 50), p99: percentile(encoderMs, 99) },
    decoderMs: { p50: percentile(decoderMs, 50), p99: percentile(decoderMs, 99) },
  };
}

const f3 = (v: number): string => v.toFixed(3);
const f1 = (v: number): string => v.toFixed(1);

/** The human-readable report: one row per object, then means, the prior's gain and timings. */
export function formatEvalTable(report: EvalReport): string {
  const clickHeads = report.diceAfterClicks.map((_, k) => `+${k + 1}click`);
  const head = [
    'image',
    'obj',
    'label',
    'area px',
    'dice',
    'iou',
    'prior',
    ...clickHeads,
    'score',
    'star fit',
  ];
  const rows = report.perObject.map((o) => [
    o.image,
    String(o.objectIndex),
    String(o.label),
    String(o.areaPx),
    f3(o.dice),
    f3(o.iou),
    f3(o.baselineDice),
    ...o.diceAfterClicks.map(f3),
    f3(o.score),
    f3(o.starFitDice),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const prior =
    report.prompt === 'box' ? 'ellipse inscribed in the box' : 'median-radius disc at the point';
  const setup =
    report.prompt === 'box'
      ? `box prompt, jitter ${report.boxJitter}, seed ${report.seed}`
      : 'point prompt (most interior pixel)';
  const out = [
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `model ${report.model} (sha256 ${report.modelSha256.slice(0, 12)}), ${setup}, ${report.n} object(s)`,
    `mean Dice ${f3(report.meanDice)}   mean IoU ${f3(report.meanIoU)}`,
    `prior Dice ${f3(report.baselineDice)} (${prior}); model gain ${(report.meanDice - report.baselineDice >= 0 ? '+' : '') + f3(report.meanDice - report.baselineDice)}`,
  ];
  out.push(
    `star fit Dice ${f3(report.starFitDice)} (the truth's star-shaped fit around the prompt's centre: what a contour model star-shaped there could reach)`,
  );
  if (report.diceAfterClicks.length > 0) {
    out.push(
      `mean Dice after clicks: ${report.diceAfterClicks.map((d, k) => `${k + 1}: ${f3(d)}`).join('  ')}`,
    );
  }
  out.push(
    `encoder ms p50 ${f1(report.encoderMs.p50)} p99 ${f1(report.encoderMs.p99)}   decoder ms p50 ${f1(report.decoderMs.p50)} p99 ${f1(report.decoderMs.p99)}`,
  );
  return out.join('\n');
}
