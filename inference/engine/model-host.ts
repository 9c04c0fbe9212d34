/**
 * Holds the active model pair and switches models at run time: the new pair is opened and checked
 * beside the old one, then swapped in atomically; on any failure the old pair stays active and the
 * caller gets MODEL_SWITCH_FAILED (with the underlying code in the message). Switches are serialised.
 */
import { EngineError, isEngineError } from './errors.ts';
import type { Frame } from './frame.ts';
import type { ModelInfo, ModelPair } from './model-pair.ts';
import type { Prompt } from './prompts.ts';
import type { DecodeResult, Embedding, Segmenter } from './types.ts';

export type ModelOpener = (id: string) => Promise<ModelPair>;

export class ModelHost implements Segmenter {
  private current: ModelPair;
  private switching: Promise<unknown> = Promise.resolve();

  private constructor(
    first: ModelPair,
    private readonly open: ModelOpener,
  ) {
    this.current = first;
  }

  static async start(id: string, open: ModelOpener): Promise<ModelHost> {
    return new ModelHost(await open(id), open);
  }

  get modelId(): string {
    return this.current.modelId;
  }

  get modelSha256(): string {
    return this.current.modelSha256;
  }

  info(): ModelInfo {
    return this.current.info();
  }

  encode(frame: Frame): Promise<Embedding> {
    return this.current.encode(frame);
  }

  /** Decodes with the active model; an embedding from a model switched out gives EMBEDDING_MISMATCH. */
  decode(embedding: Embedding, prompt: Prompt): Promise<DecodeResult> {
    return this.current.decode(embedding, prompt);
  }

  /** Resolves with the new model's info once it is active; rejects with MODEL_SWITCH_FAILED. */
  switchTo(id: string): Promise<ModelInfo> {
    const run = async (): Promise<ModelInfo> => {
      let next: ModelPair;
      try {
        next = await this.open(id);
      } catch (e) {
        const cause = isEngineError(e) ? e.message : String(e);
        throw new EngineError(
          'MODEL_SWITCH_FAILED',
          `${id}: ${cause}; ${this.current.modelId} stays active`,
          {
            cause: e,
          },
        );
      }
      const old = this.current;
      this.current = next;
      await old.close();
      return next.info();
    };
    const result = this.switching.then(run, run);
    this.switching = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
