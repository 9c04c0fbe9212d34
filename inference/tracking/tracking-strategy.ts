/**
 * How an object's mask is produced on a new frame. The shipped strategy propagates prompts from the
 * previous result (prompt-propagation.ts); a model with a memory mechanism (SAM 2 style: memory
 * attention over past frames' features and masks) replaces it by implementing this interface —
 * loss detection, re-acquisition bookkeeping and the object states stay the same.
 */
import type { BinaryMask } from '../engine/mask.ts';
import type { PreviousMask } from '../engine/prompts.ts';
import type { DecodeResult, Embedding } from '../engine/types.ts';
import type { ObjectTrack, Sighting } from './object-track.ts';

/** Another object as it was last shown: its mask, area, box and most interior point. */
export type Neighbour = Pick<Sighting, 'mask' | 'area' | 'box' | 'interior'>;

export interface Observation {
  readonly mask: BinaryMask;
  /** Low-resolution logits the strategy can feed back as the next mask input. */
  readonly logits: PreviousMask;
  /** The model's own quality estimate in [0, 1]. */
  readonly score: number;
  /** The decode it came from (timings, provenance). */
  readonly result: DecodeResult;
  /**
   * Which of the strategy's hypotheses produced it (0 = its first choice). The tracker keeps the
   * index of the hypothesis that stood in the object's state, so the strategy can try it first
   * next frame.
   */
  readonly hypothesis?: number;
}

export interface TrackingStrategy {
  readonly name: string;
  /**
   * The object's mask on this frame's embedding, given its state (which says whether it is being
   * seeded, corrected, tracked or searched for); `grey` is the frame's grey image at the
   * embedding's size; `others` are the other objects as they were shown last (a lost object is not
   * looked for where another one is). Null when there is nothing to go on.
   */
  observe(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others?: readonly Neighbour[],
  ): Promise<Observation | null>;
  /**
   * Other hypotheses for the same object on the same frame, asked for only when the first
   * observation was not judged good; the best-judged one is kept. Optional.
   */
  alternatives?(
    embedding: Embedding,
    grey: Uint8Array,
    track: ObjectTrack,
    others?: readonly Neighbour[],
  ): Promise<Observation[]>;
  /**
   * The object was removed or given a new prompt: drop whatever the strategy keeps for it (the
   * tracker calls this; a stateless strategy need not implement it). Optional.
   */
  forget?(objectId: string): void;
}
