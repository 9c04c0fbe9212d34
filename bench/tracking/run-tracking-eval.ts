/**
 * Offline tracking evaluation (deterministic; every frame processed): each ground-truth object is
 * prompted once, with one positive point at its most interior pixel, on the first frame it is in
 * view; from then on only the tracker decides. Scores per object and overall (tracking-metrics.ts).
 */
import type { Segmenter } from '../../inference/engine/types.ts';
import { PromptPropagation } from '../../inference/tracking/prompt-propagation.ts';
import type { UserPrompt } from '../../inference/tracking/prompt-diff.ts';
import { Tracker } from '../../inference/tracking/tracker.ts';
import {
  DEFAULT_TRACKING_PARAMS,
  type TrackingParams,
} from '../../inference/tracking/tracking-params.ts';
import { countsAgainstLabel, diceFromCounts } from '../eval/overlap-metrics.ts';
import { summarize as percentiles, type PercentileSummary } from '../eval/percentiles.ts';
import { interiorPointPrompt } from '../eval/prompts-from-truth.ts';
import type { Cine } from './cine-source.ts';
import {
  scoreObject,
  summarize,
  type FrameRecord,
  type ObjectScore,
  type TrackingSummary,
} from './tracking-metrics.ts';

export interface TrackingEvalResult {
  readonly source: string;
  readonly model: string;
  readonly modelSha256: string;
  readonly frames: number;
  readonly summary: TrackingSummary;
  readonly perObject: readonly (ObjectScore & {
    readonly dicePerFrame: readonly (number | null)[];
  })[];
  /** Tracker time per frame (all objects), and per object decode. */
  readonly trackMs: PercentileSummary;
  readonly encodeMs: PercentileSummary;
}

export interface TrackingEvalOptions {
  readonly params?: TrackingParams;
  /** Minimum visible area (px) for an object to be prompted. */
  readonly minPromptAreaPx?: number;
  readonly onFrame?: (index: number) => void;
}

/** A one-point prompt at the most interior pixel of one label's pixels. */
function promptPoint(labels: ArrayLike<number>, label: number, width: number, height: number) {
  const m = new Uint8Array(width * height);
  for (let i = 0; i < m.length; i++) m[i] = labels[i] === label ? 1 : 0;
  return interiorPointPrompt(m, width, height);
}

export async function runTrackingEval(
  segmenter: Segmenter,
  cine: Cine,
  options: TrackingEvalOptions = {},
): Promise<TrackingEvalResult> {
  const params = options.params ?? DEFAULT_TRACKING_PARAMS;
  const minArea = options.minPromptAreaPx ?? 0.001 * cine.width * cine.height;
  const tracker = new Tracker(new PromptPropagation(segmenter, params), params);
  const prompts: UserPrompt[] = [];
  const records = new Map<string, { promptFrame: number; frames: FrameRecord[] }>();
  const trackMs: number[] = [];
  const encodeMs: number[] = [];
  for (let i = 0; i < cine.frameCount; i++) {
    const f = await cine.frame(i);
    const t0 = performance.now();
    const embedding = await segmenter.encode(f.frame);
    encodeMs.push(performance.now() - t0);
    let added = false;
    for (const o of f.objects) {
      if (records.has(o.objectId) || !o.inView || o.area < minArea) continue;
      const p = promptPoint(f.labels, o.label, cine.width, cine.height);
      if (!p) continue;
      prompts.push({ objectId: o.objectId, points: [p] });
      records.set(o.objectId, { promptFrame: i, frames: [] });
      added = true;
    }
    if (added) tracker.setPrompts(prompts);
    const t1 = performance.now();
    const reports = await tracker.step(embedding, f.grey);
    trackMs.push(performance.now() - t1);
    const byId = new Map(reports.map((r) => [r.objectId, r]));
    for (const [objectId, rec] of records) {
      const truth = f.objects.find((o) => o.objectId === objectId);
      const report = byId.get(objectId);
      const inView = truth?.inView ?? false;
      const lost = report?.mask === undefined;
      const counts =
        inView && truth && report?.mask
          ? countsAgainstLabel(report.mask.data, f.labels, truth.label)
          : undefined;
      rec.frames.push({
        inView,
        lost,
        dice: inView ? (counts ? diceFromCounts(counts) : 0) : undefined,
        ...(counts && counts.predicted > 0
          ? { onObject: counts.intersection / counts.predicted }
          : {}),
      });
    }
    options.onFrame?.(i);
  }
  const perObject = [...records.entries()].map(([id, rec]) => ({
    ...scoreObject(id, rec.promptFrame, rec.frames),
    dicePerFrame: rec.frames.map((r) =>
      r.dice === undefined ? null : Math.round(r.dice * 1000) / 1000,
    ),
  }));
  return {
    source: cine.description,
    model: segmenter.modelId,
    modelSha256: segmenter.modelSha256,
    frames: cine.frameCount,
    summary: summarize(perObject),
    perObject,
    trackMs: percentiles(trackMs),
    encodeMs: percentiles(encodeMs),
  };
}
