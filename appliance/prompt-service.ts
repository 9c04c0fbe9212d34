/**
 * The active prompt set: every change (from any tablet or REST) is validated, written to the store
 * with who made it, and announced to listeners (the live hub broadcasts, the inference link sends
 * `setPrompts`). Keeps an in-memory copy of the store's set for the per-frame colour lookups.
 */
import type { PromptSpec } from '../inference/protocol/messages.ts';
import { pickColor } from './palette.ts';
import type { Actor, Store, StoredPrompt } from './store.ts';
import type { PromptBox, PromptPoint, PromptView } from './live/tablet-protocol.ts';

export const MAX_OBJECTS = 16;
export const MAX_POINTS_PER_OBJECT = 64;

export type PromptRefusal = {
  readonly ok: false;
  readonly code: 'PROMPT_INVALID' | 'PROMPT_LIMIT' | 'UNKNOWN_OBJECT';
  readonly message: string;
};
export type PromptResult<T> = { readonly ok: true; readonly value: T } | PromptRefusal;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export interface PromptServiceDeps {
  readonly store: Store;
  /** Size of the current source's frames, or null before the first frame (then not checked). */
  readonly imageSize: () => ImageSize | null;
  readonly nowMs?: () => number;
}

function view(p: StoredPrompt): PromptView {
  return {
    objectId: p.objectId,
    color: p.color,
    points: p.points,
    ...(p.box === undefined ? {} : { box: p.box }),
    createdBy: p.createdBy,
    updatedAtMs: p.updatedAtMs,
  };
}

const refuse = (code: PromptRefusal['code'], message: string): PromptRefusal => ({
  ok: false,
  code,
  message,
});

/** The frame a change was placed on (the frame the user saw), when the client said which. */
export interface PlacedOn {
  readonly frameSeq?: number | undefined;
}

export class PromptService {
  private active = new Map<string, StoredPrompt>();
  /**
   * objectId → the frame its newest change was placed on. Kept in memory only: it matters for the
   * moments after the change (the daemon seeds the change on that frame), not after a restart.
   */
  private readonly placedOn = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly nowMs: () => number;

  constructor(private readonly deps: PromptServiceDeps) {
    this.nowMs = deps.nowMs ?? Date.now;
    this.reload();
  }

  list(): PromptView[] {
    return [...this.active.values()].map(view);
  }

  /** The set as the daemon's `setPrompts` wants it. */
  specs(): PromptSpec[] {
    return [...this.active.values()].map((p) => ({
      objectId: p.objectId,
      points: p.points.map((q) => ({ ...q })),
      ...(p.box === undefined ? {} : { box: { ...p.box } }),
      ...(this.placedOn.has(p.objectId) ? { frameSeq: this.placedOn.get(p.objectId)! } : {}),
    }));
  }

  colorOf(objectId: string): string | undefined {
    return this.active.get(objectId)?.color;
  }

  has(objectId: string): boolean {
    return this.active.has(objectId);
  }

  /** Returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new object from points and/or a box. */
  add(
    input: { points: readonly PromptPoint[]; box?: PromptBox },
    who: Actor,
    placed: PlacedOn = {},
  ): PromptResult<PromptView> {
    if (input.points.length === 0 && input.box === undefined) {
      return refuse('PROMPT_INVALID', 'a prompt needs at least one point or a box');
    }
    if (this.active.size >= MAX_OBJECTS) {
      return refuse('PROMPT_LIMIT', `at most ${MAX_OBJECTS} objects are tracked at once`);
    }
    const invalid = this.checkGeometry(input.points, input.box);
    if (invalid) return invalid;
    const inUse = [...this.active.values()].map((p) => p.color);
    const stored = this.deps.store.addPrompt(
      { ...input, color: pickColor(inUse, this.deps.store.nextSerial()) },
      who,
      this.nowMs(),
    );
    this.notePlacedOn(stored.objectId, placed);
    return this.changed(view(stored));
  }

  /** A refining point (positive or negative) on an existing object. */
  addPoint(
    objectId: string,
    point: PromptPoint,
    who: Actor,
    placed: PlacedOn = {},
  ): PromptResult<PromptView> {
    const current = this.active.get(objectId);
    if (current === undefined) return refuse('UNKNOWN_OBJECT', `no active object ${objectId}`);
    if (current.points.length >= MAX_POINTS_PER_OBJECT) {
      return refuse('PROMPT_LIMIT', `at most ${MAX_POINTS_PER_OBJECT} points per object`);
    }
    const invalid = this.checkGeometry([point]);
    if (invalid) return invalid;
    const updated = this.deps.store.updatePrompt(
      objectId,
      { points: [...current.points, point], ...(current.box ? { box: current.box } : {}) },
      who,
      this.nowMs(),
    );
    if (updated === undefined) return refuse('UNKNOWN_OBJECT', `no active object ${objectId}`);
    this.notePlacedOn(objectId, placed);
    return this.changed(view(updated));
  }

  remove(objectId: string, who: Actor): PromptResult<{ objectId: string }> {
    if (!this.deps.store.removePrompt(objectId, who, this.nowMs())) {
      return refuse('UNKNOWN_OBJECT', `no active object ${objectId}`);
    }
    this.placedOn.delete(objectId);
    return this.changed({ objectId });
  }

  private notePlacedOn(objectId: string, placed: PlacedOn): void {
    if (placed.frameSeq === undefined) this.placedOn.delete(objectId);
    else this.placedOn.set(objectId, placed.frameSeq);
  }

  private changed<T>(value: T): PromptResult<T> {
    this.reload();
    for (const listener of this.listeners) listener();
    return { ok: true, value };
  }

  private reload(): void {
    this.active = new Map(this.deps.store.activePrompts().map((p) => [p.objectId, p]));
  }

  private checkGeometry(points: readonly PromptPoint[], box?: PromptBox): PromptRefusal | null {
    if (points.length > MAX_POINTS_PER_OBJECT) {
      return refuse('PROMPT_LIMIT', `at most ${MAX_POINTS_PER_OBJECT} points per object`);
    }
    const size = this.deps.imageSize();
    const inside = (x: number, y: number): boolean =>
      Number.isFinite(x) &&
      Number.isFinite(y) &&
      x >= 0 &&
      y >= 0 &&
      (size === null || (x <= size.width && y <= size.height));
    const where = size ? ` of the ${size.width}×${size.height} image` : '';
    for (const p of points) {
      if (!inside(p.x, p.y))
        return refuse('PROMPT_INVALID', `point (${p.x}, ${p.y}) is outside${where}`);
    }
    if (box !== undefined) {
      if (!inside(box.x0, box.y0) || !inside(box.x1, box.y1)) {
        return refuse('PROMPT_INVALID', `box is outside${where}`);
      }
      if (!(box.x1 > box.x0 && box.y1 > box.y0)) {
        return refuse('PROMPT_INVALID', 'box needs x0 < x1 and y0 < y1');
      }
    }
    return null;
  }
}
