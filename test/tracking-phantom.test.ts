/**
 * Tracked prompts on the synthetic phantom through the real built-in model (no sockets): drift,
 * loss and re-acquisition, several objects, mid-stream corrections and removals, and that an
 * implausible mask is never shown. Phantom seeds here were not used while tuning the tracker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diceAgainstLabel } from '../bench/eval/overlap-metrics.ts';
import { createPhantom, type PhantomFrame } from '../capture/phantom/index.ts';
import { farthestInteriorPixel } from '../inference/engine/distance-transform.ts';
import type { BinaryMask } from '../inference/engine/mask.ts';
import type { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { PromptPropagation } from '../inference/tracking/prompt-propagation.ts';
import type { UserPrompt } from '../inference/tracking/prompt-diff.ts';
import { Tracker, type TrackReport } from '../inference/tracking/tracker.ts';
import { trackingParamsFor } from '../inference/tracking/tracking-params.ts';

let model: ModelPair;
beforeAll(async () => {
  model = await openModel('builtin', { executionProviders: ['cpu'], intraOpThreads: 1 });
});
afterAll(async () => {
  await model.close();
});

const newTracker = () => {
  const params = trackingParamsFor('builtin');
  return new Tracker(new PromptPropagation(model, params), params);
};

function labelMask(f: PhantomFrame, id: number): Uint8Array {
  const m = new Uint8Array(f.labels.length);
  for (let i = 0; i < m.length; i++) m[i] = f.labels[i] === id ? 1 : 0;
  return m;
}

function tapInside(f: PhantomFrame, id: number): UserPrompt {
  const p = farthestInteriorPixel(labelMask(f, id), f.width, f.height)!;
  return { objectId: `s${id}`, points: [{ x: p.col + 0.5, y: p.row + 0.5, label: 'positive' }] };
}

/** Dice of a reported mask against structure `id`; 0 when no mask is shown. */
const diceWithLabel = (mask: BinaryMask | undefined, labels: Uint8Array, id: number): number =>
  mask ? diceAgainstLabel(mask.data, labels, id) : 0;

async function step(
  tracker: Tracker,
  f: PhantomFrame,
  image = f.image,
): Promise<Map<string, TrackReport>> {
  const embedding = await model.encode({
    width: f.width,
    height: f.height,
    channels: 1,
    data: image,
  });
  const reports = await tracker.step(embedding, image);
  return new Map(reports.map((r) => [r.objectId, r]));
}

/** Covers structure `id` with tissue copied from beside it: the object is gone from the image. */
function erase(f: PhantomFrame, id: number): Uint8Array {
  const out = Uint8Array.from(f.image);
  const o = f.objects.find((x) => x.id === id)!;
  const shift = Math.round(2.5 * Math.sqrt(o.fullAreaPx / Math.PI));
  const dir = o.centroid.x > f.width / 2 ? -1 : 1;
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      let near = false;
      for (let dy = -3; dy <= 3 && !near; dy++)
        for (let dx = -3; dx <= 3 && !near; dx++)
          near = f.labels[(y + dy) * f.width + x + dx] === id;
      if (near) out[y * f.width + x] = f.image[y * f.width + x + dir * shift] ?? 0;
    }
  }
  return out;
}

describe('tracked prompts on the phantom (built-in model)', () => {
  it('follows moving, deforming structures for 3 s without drifting', async () => {
    const phantom = createPhantom({ seed: 303 });
    const first = phantom.frame(0);
    const last = phantom.frame(89);
    // Structures that stay in view all along (the wandering one leaves: the next test's subject).
    const targets = first.objects.filter(
      (o) =>
        (o.kind === 'vessel' || o.kind === 'cyst') &&
        o.inViewFraction === 1 &&
        last.objects[o.id - 1]!.inViewFraction === 1,
    );
    expect(targets.length).toBeGreaterThanOrEqual(2);
    const tracker = newTracker();
    tracker.setPrompts(targets.map((o) => tapInside(first, o.id)));
    const worst = new Map<number, number>();
    const seedDice = new Map<number, number>();
    for (let i = 0; i < 90; i++) {
      const f = phantom.frame(i);
      const reports = await step(tracker, f);
      for (const o of targets) {
        const r = reports.get(`s${o.id}`)!;
        expect(r.state, `s${o.id} at frame ${i}: ${r.reason}`).not.toBe('lost');
        const d = diceWithLabel(r.mask, f.labels, o.id);
        if (i === 0) seedDice.set(o.id, d);
        worst.set(o.id, Math.min(worst.get(o.id) ?? 1, d));
      }
    }
    // Drift is judged on objects the model segments well from the tap (the touching vessel pair's
    // first vessel is not: Dice 0.27 from its point, a model limit, not the tracker's).
    const wellSeeded = [...seedDice].filter(([, d]) => d >= 0.85).map(([id]) => id);
    expect(wellSeeded.length).toBeGreaterThanOrEqual(2);
    for (const id of wellSeeded) {
      expect(worst.get(id), `worst Dice of s${id}`).toBeGreaterThanOrEqual(0.75);
    }
  }, 60_000);

  it('flags a structure lost when it disappears, shows no mask meanwhile, and re-acquires it when it returns', async () => {
    const phantom = createPhantom({ seed: 303 });
    const first = phantom.frame(0);
    const target = first.objects.find((o) => o.kind === 'cyst')!;
    const id = `s${target.id}`;
    const tracker = newTracker();
    tracker.setPrompts([tapInside(first, target.id)]);
    const states: string[] = [];
    let lostAt = -1;
    let backAt = -1;
    for (let i = 0; i < 60; i++) {
      const f = phantom.frame(i);
      const gone = i >= 15 && i < 35;
      const r = (await step(tracker, f, gone ? erase(f, target.id) : f.image)).get(id)!;
      states.push(r.state);
      if (r.state === 'lost') expect(r.mask).toBeUndefined();
      if (gone && r.state === 'lost' && lostAt < 0) lostAt = i;
      // Re-acquired: shown again with Dice ≥ 0.5 (the definition of npm run eval:tracking).
      if (i >= 35 && r.state !== 'lost' && backAt < 0) {
        if (diceWithLabel(r.mask, f.labels, target.id) >= 0.5) backAt = i;
      }
      if (r.state === 'lost') expect(r.lastBox).toBeDefined();
    }
    expect(states.slice(0, 15)).not.toContain('lost');
    expect(lostAt, states.join(' ')).toBeGreaterThanOrEqual(15);
    expect(lostAt - 15, 'frames to flag the loss').toBeLessThanOrEqual(3);
    expect(backAt, states.join(' ')).toBeGreaterThanOrEqual(35);
    expect(backAt - 35, 'frames to re-acquire').toBeLessThanOrEqual(10);
  }, 60_000);

  it('follows a structure out of the field of view and back: loss flagged, nothing shown, re-acquired', async () => {
    const phantom = createPhantom({ seed: 909 });
    const inView = (i: number, id: number) =>
      phantom.frame(i).objects[id - 1]!.inViewFraction >= 0.5;
    // The wandering structure of this scene (ground truth): it leaves at frame 94, returns at 258.
    const id = 5;
    let left = -1;
    let back = -1;
    for (let i = 1; i < 300 && back < 0; i++) {
      if (left < 0 && !inView(i, id)) left = i;
      if (left > 0 && inView(i, id)) back = i;
    }
    expect([left, back]).toEqual([94, 258]);
    const tracker = newTracker();
    tracker.setPrompts([tapInside(phantom.frame(0), id)]);
    let flagged = -1;
    let reacquired = -1;
    for (let i = 0; i < back + 12; i++) {
      const f = phantom.frame(i);
      const r = (await step(tracker, f)).get(`s${id}`)!;
      if (i < left - 3) expect(r.state, `frame ${i}`).not.toBe('lost');
      if (i >= left && flagged < 0 && r.state === 'lost') flagged = i;
      if (flagged >= 0 && i < back) expect(r.mask, `frame ${i}: out of view`).toBeUndefined();
      if (i >= back && reacquired < 0 && diceWithLabel(r.mask, f.labels, id) >= 0.5) reacquired = i;
    }
    expect(flagged - left, 'frames to flag the loss').toBeLessThanOrEqual(3);
    expect(flagged).toBeGreaterThanOrEqual(left);
    expect(reacquired, 'never re-acquired').toBeGreaterThanOrEqual(back);
    expect(reacquired - back, 'frames to re-acquire').toBeLessThanOrEqual(10);
  }, 90_000);

  it('tracks 8 objects with stable ids, each reported every frame', async () => {
    const phantom = createPhantom({ seed: 606, structureCount: 9, difficulty: 'easy' });
    const first = phantom.frame(0);
    const targets = first.objects
      .filter((o) => o.kind !== 'reflector' && o.inViewFraction > 0.9 && o.areaPx > 300)
      .slice(0, 8);
    expect(targets.length).toBe(8);
    const tracker = newTracker();
    tracker.setPrompts(targets.map((o) => tapInside(first, o.id)));
    const dice: number[] = [];
    for (let i = 0; i < 15; i++) {
      const f = phantom.frame(i);
      const reports = await step(tracker, f);
      expect([...reports.keys()].sort()).toEqual(targets.map((o) => `s${o.id}`).sort());
      for (const o of targets)
        dice.push(diceWithLabel(reports.get(`s${o.id}`)!.mask, f.labels, o.id));
    }
    const mean = dice.reduce((a, b) => a + b, 0) / dice.length;
    expect(mean).toBeGreaterThan(0.75);
  }, 60_000);

  it('applies a corrective point mid-stream, keeps it attached, and removes objects on request', async () => {
    const phantom = createPhantom({ seed: 303 });
    const first = phantom.frame(0);
    const [a, b] = first.objects.filter((o) => o.kind === 'cyst' || o.kind === 'vessel');
    const pa = tapInside(first, a!.id);
    const pb = tapInside(first, b!.id);
    const tracker = newTracker();
    expect(tracker.setPrompts([pa, pb])).toEqual([pa.objectId, pb.objectId]); // both new
    for (let i = 0; i < 5; i++) await step(tracker, phantom.frame(i));
    // A negative point just outside object a's boundary, on the current frame.
    const f5 = phantom.frame(5);
    const ra = tracker.state(pa.objectId)!.last!;
    const neg = { x: ra.box.x1 + 3, y: ra.centroid.y, label: 'negative' as const };
    // Only a changed: it is the one the daemon seeds on the frame the point was placed on.
    expect(tracker.setPrompts([{ ...pa, points: [...pa.points, neg] }, pb])).toEqual([pa.objectId]);
    expect(tracker.state(pa.objectId)!.pending).toEqual([neg]);
    const after = (await step(tracker, f5)).get(pa.objectId)!;
    expect(after.state).not.toBe('lost');
    const m = after.mask!;
    expect(m.data[Math.floor(neg.y) * m.width + Math.floor(neg.x)]).toBe(0);
    expect(tracker.state(pa.objectId)!.attached).toHaveLength(1);
    expect(tracker.state(pa.objectId)!.pending).toEqual([]);
    // Removing b: it is no longer observed or reported (and a is unchanged).
    expect(tracker.setPrompts([{ ...pa, points: [...pa.points, neg] }])).toEqual([]);
    const reports = await step(tracker, phantom.frame(6));
    expect([...reports.keys()]).toEqual([pa.objectId]);
    expect(tracker.state(pb.objectId)).toBeUndefined();
  }, 60_000);

  it('never shows a mask for a prompt on nothing, and one tap re-seeds a lost object', async () => {
    const phantom = createPhantom({ seed: 303 });
    const f = phantom.frame(0);
    const blank = new Uint8Array(f.image.length).fill(90);
    const tracker = newTracker();
    tracker.setPrompts([{ objectId: 'x', points: [{ x: 256, y: 256, label: 'positive' }] }]);
    const r = (await step(tracker, f, blank)).get('x')!;
    expect(r.state).toBe('lost');
    expect(r.mask).toBeUndefined();
    expect(r.reason).toBeDefined();
    // One positive tap on a real structure re-seeds the lost object there.
    const target = f.objects.find((o) => o.kind === 'cyst')!;
    const tap = tapInside(f, target.id).points[0]!;
    tracker.setPrompts([{ objectId: 'x', points: [{ x: 256, y: 256, label: 'positive' }, tap] }]);
    const again = (await step(tracker, f)).get('x')!;
    expect(again.state).not.toBe('lost');
    expect(diceWithLabel(again.mask, f.labels, target.id)).toBeGreaterThan(0.7);
  }, 60_000);
});
