/** The engine's result types: what `encode` and `decode` return, with timings and provenance. */
import type { BinaryMask } from './mask.ts';
import type { Frame } from './frame.ts';
import type { Prompt } from './prompts.ts';

/** Which model produced a result: the manifest id and the model checksum (see docs/model-contract.md). */
export interface ModelRef {
  readonly modelId: string;
  /** sha256 over "<encoder sha256>\n<decoder sha256>". */
  readonly modelSha256: string;
}

export interface NamedTensor {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface Embedding extends ModelRef {
  /** Original image size the embedding was computed for. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Encoder outputs by name (fed to the decoder inputs of the same name). */
  readonly tensors: Readonly<Record<string, NamedTensor>>;
  readonly preprocessMs: number;
  readonly encodeMs: number;
}

export interface DecodeResult extends ModelRef {
  /** Binary mask at original-image resolution. */
  readonly mask: BinaryMask;
  /** The model's quality estimate in [0, 1] (SAM: predicted IoU). */
  readonly score: number;
  /** Low-resolution logits, usable as `previousMask` of the next prompt. */
  readonly lowResLogits: {
    readonly width: number;
    readonly height: number;
    readonly logits: Float32Array;
  };
  readonly decodeMs: number;
  readonly postprocessMs: number;
}

/** What evaluation, tracking and the daemon need from a loaded model pair. */
export interface Segmenter extends ModelRef {
  encode(frame: Frame): Promise<Embedding>;
  decode(embedding: Embedding, prompt: Prompt): Promise<DecodeResult>;
}
