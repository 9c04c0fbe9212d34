/**
 * What changed in the user's prompt set (pure): new objects, objects with extra points appended
 * (corrections on the current frame), objects whose prompt changed otherwise (re-seeded), and
 * removed objects.
 */
import type { PromptBox, PromptPoint } from '../engine/prompts.ts';

export interface UserPrompt {
  readonly objectId: string;
  readonly points: readonly PromptPoint[];
  readonly box?: PromptBox | undefined;
}

export interface PromptDiff {
  readonly added: readonly UserPrompt[];
  readonly corrected: readonly { objectId: string; points: readonly PromptPoint[] }[];
  readonly reseeded: readonly UserPrompt[];
  readonly removed: readonly string[];
}

const samePoint = (a: PromptPoint, b: PromptPoint) =>
  a.x === b.x && a.y === b.y && a.label === b.label;
const sameBox = (a: PromptBox | undefined, b: PromptBox | undefined) =>
  a === b || (!!a && !!b && a.x0 === b.x0 && a.y0 === b.y0 && a.x1 === b.x1 && a.y1 === b.y1);

export function diffPrompts(
  before: ReadonlyMap<string, UserPrompt>,
  after: readonly UserPrompt[],
): PromptDiff {
  const added: UserPrompt[] = [];
  const corrected: { objectId: string; points: readonly PromptPoint[] }[] = [];
  const reseeded: UserPrompt[] = [];
  const seen = new Set<string>();
  for (const next of after) {
    seen.add(next.objectId);
    const prev = before.get(next.objectId);
    if (!prev) {
      added.push(next);
      continue;
    }
    const prefix =
      sameBox(prev.box, next.box) &&
      next.points.length >= prev.points.length &&
      prev.points.every((p, i) => samePoint(p, next.points[i]!));
    if (!prefix) reseeded.push(next);
    else if (next.points.length > prev.points.length) {
      corrected.push({ objectId: next.objectId, points: next.points.slice(prev.points.length) });
    }
  }
  const removed = [...before.keys()].filter((id) => !seen.has(id));
  return { added, corrected, reseeded, removed };
}
