/**
 * A loaded encoder/decoder pair described by a manifest: checks files, checksums and signatures on
 * open, then `encode(frame)` once per image and `decode(embedding, prompt)` once per prompt.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lowResValidRegion, modelGeometry, type ModelGeometry } from './coords.ts';
import { EngineError } from './errors.ts';
import { checkFrame, type Frame } from './frame.ts';
import { parseManifest, type Manifest } from './manifest.ts';
import { sha256File, modelChecksum } from './checksum.ts';
import {
  openSession,
  type FeedTensor,
  type ModelSession,
  type SessionOptions,
} from './ort-session.ts';
import { fillHoles, keepPromptedComponents, positivePoints } from './postprocess.ts';
import { preprocess } from './preprocess.ts';
import { encodeMaskInput, encodePoints } from './prompt-encoding.ts';
import { validatePrompt, type Prompt } from './prompts.ts';
import { upsampleToMask } from './resample.ts';
import type { DecodeResult, Embedding, NamedTensor, Segmenter } from './types.ts';
import { checkSignature } from './signature.ts';
import { selectMask } from './mask-selection.ts';

export interface ModelInfo {
  readonly modelId: string;
  readonly modelSha256: string;
  readonly family: Manifest['family'];
  readonly description: string;
  readonly encoderProvider: string;
  readonly decoderProvider: string;
  readonly manifestPath: string;
}

export function readManifest(manifestPath: string): Manifest {
  if (!existsSync(manifestPath)) {
    throw new EngineError('MODEL_MANIFEST_MISSING', `no manifest at ${manifestPath}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new EngineError('MODEL_MANIFEST_INVALID', `${manifestPath}: ${(e as Error).message}`);
  }
  return parseManifest(json, manifestPath);
}

async function verifiedFile(
  dir: string,
  ref: Manifest['files']['encoder'],
  what: string,
): Promise<string> {
  const path = join(dir, ref.path);
  if (!existsSync(path))
    throw new EngineError('MODEL_FILE_MISSING', `${what} file ${path} does not exist`);
  const actual = await sha256File(path);
  if (actual !== ref.sha256) {
    throw new EngineError(
      'MODEL_CHECKSUM_MISMATCH',
      `${what} file ${path} has sha256 ${actual}, manifest says ${ref.sha256}`,
    );
  }
  return path;
}

export class ModelPair implements Segmenter {
  readonly modelId: string;
  readonly modelSha256: string;
  private inFlight = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  private constructor(
    readonly manifest: Manifest,
    private readonly manifestPath: string,
    private readonly encoder: ModelSession,
    private readonly decoder: ModelSession,
  ) {
    this.modelId = manifest.id;
    this.modelSha256 = modelChecksum(manifest.files.encoder.sha256, manifest.files.decoder.sha256);
  }

  static async open(manifestPath: string, options: SessionOptions): Promise<ModelPair> {
    const manifest = readManifest(manifestPath);
    const dir = dirname(manifestPath);
    const encoderPath = await verifiedFile(dir, manifest.files.encoder, 'encoder');
    const decoderPath = await verifiedFile(dir, manifest.files.decoder, 'decoder');
    const encoder = await openSession(encoderPath, `${manifest.id} encoder`, options);
    let decoder: ModelSession;
    try {
      decoder = await openSession(decoderPath, `${manifest.id} decoder`, options);
    } catch (e) {
      await encoder.release();
      throw e;
    }
    try {
      checkSignature(`${manifest.id} encoder`, manifest.encoder, encoder);
      checkSignature(`${manifest.id} decoder`, manifest.decoder, decoder);
    } catch (e) {
      await Promise.all([encoder.release(), decoder.release()]);
      throw e;
    }
    return new ModelPair(manifest, manifestPath, encoder, decoder);
  }

  info(): ModelInfo {
    return {
      modelId: this.modelId,
      modelSha256: this.modelSha256,
      family: this.manifest.family,
      description: this.manifest.description,
      encoderProvider: this.encoder.provider,
      decoderProvider: this.decoder.provider,
      manifestPath: this.manifestPath,
    };
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new EngineError('INFERENCE_FAILED', `model ${this.modelId} is closed`);
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  encode(frame: Frame): Promise<Embedding> {
    return this.track(async () => {
      checkFrame(frame);
      const t0 = performance.now();
      const input = preprocess(frame, this.manifest.preprocess);
      const t1 = performance.now();
      const spec = this.manifest.encoder.inputs[0]!;
      const out = await this.encoder.run({
        [spec.name]: { dtype: 'float32', dims: input.dims, data: input.data },
      });
      const t2 = performance.now();
      const tensors: Record<string, NamedTensor> = {};
      for (const o of this.manifest.encoder.outputs) tensors[o.name] = out[o.name]!;
      return {
        modelId: this.modelId,
        modelSha256: this.modelSha256,
        imageWidth: frame.width,
        imageHeight: frame.height,
        tensors,
        preprocessMs: t1 - t0,
        encodeMs: t2 - t1,
      };
    });
  }

  decode(embedding: Embedding, prompt: Prompt): Promise<DecodeResult> {
    return this.track(async () => {
      if (embedding.modelSha256 !== this.modelSha256 || embedding.modelId !== this.modelId) {
        throw new EngineError(
          'EMBEDDING_MISMATCH',
          `embedding from model ${embedding.modelId}, decoder is ${this.modelId}`,
        );
      }
      const { imageWidth: W, imageHeight: H } = embedding;
      validatePrompt(prompt, W, H);
      const m = this.manifest;
      const geometry = modelGeometry(W, H, m.preprocess.size, m.preprocess.resize);
      const t0 = performance.now();
      const { feeds, pointCount } = this.feeds(embedding, prompt, geometry);
      const out = await this.decoder.run(feeds);
      const t1 = performance.now();
      const result = this.result(out, prompt, geometry, W, H, pointCount);
      const t2 = performance.now();
      return {
        ...result,
        modelId: this.modelId,
        modelSha256: this.modelSha256,
        decodeMs: t1 - t0,
        postprocessMs: t2 - t1,
      };
    });
  }

  private feeds(
    embedding: Embedding,
    prompt: Prompt,
    geometry: ModelGeometry,
  ): { feeds: Record<string, FeedTensor>; pointCount: number } {
    const m = this.manifest;
    const pts = encodePoints(
      prompt,
      geometry,
      m.decoder.pointCoords,
      m.decoder.padPoint,
      m.decoder.pointOffset,
    );
    const feeds: Record<string, FeedTensor> = {};
    for (const input of m.decoder.inputs) {
      switch (input.role) {
        case 'embedding': {
          const t = embedding.tensors[input.name];
          if (!t) throw new EngineError('EMBEDDING_MISMATCH', `embedding lacks ${input.name}`);
          feeds[input.name] = { dtype: 'float32', dims: t.dims, data: t.data };
          break;
        }
        case 'point_coords':
          feeds[input.name] = { dtype: 'float32', dims: [1, pts.count, 2], data: pts.coords };
          break;
        case 'point_labels':
          feeds[input.name] = { dtype: 'float32', dims: [1, pts.count], data: pts.labels };
          break;
        case 'mask_input': {
          const h = Number(input.shape[2]);
          const w = Number(input.shape[3]);
          feeds[input.name] = encodeMaskInput(prompt.previousMask, w, h);
          break;
        }
        case 'has_mask_input':
          feeds[input.name] = {
            dtype: 'float32',
            dims: [1],
            data: new Float32Array([prompt.previousMask ? 1 : 0]),
          };
          break;
        case 'orig_im_size':
          feeds[input.name] = {
            dtype: 'float32',
            dims: [2],
            data: new Float32Array([embedding.imageHeight, embedding.imageWidth]),
          };
          break;
      }
    }
    return { feeds, pointCount: pts.count };
  }

  private result(
    out: Record<string, { dims: readonly number[]; data: Float32Array }>,
    prompt: Prompt,
    geometry: ModelGeometry,
    W: number,
    H: number,
    pointCount: number,
  ): Omit<DecodeResult, 'modelId' | 'modelSha256' | 'decodeMs' | 'postprocessMs'> {
    const m = this.manifest;
    const named = (role: string) => {
      const spec = m.decoder.outputs.find((o) => o.role === role);
      return spec ? out[spec.name] : undefined;
    };
    const scores = named('scores')!;
    const low = named('low_res_masks')!;
    const best = selectMask(scores.data, pointCount);
    const lh = low.dims[2]!;
    const lw = low.dims[3]!;
    const lowLogits = low.data.slice(best * lw * lh, (best + 1) * lw * lh);
    const threshold = m.output.threshold;
    const valid = lowResValidRegion(geometry, lw, lh);
    const toGrid = (p: { x: number; y: number }) => ({
      x: (p.x / W) * valid.width,
      y: (p.y / H) * valid.height,
    });
    for (const step of m.output.postprocess) {
      switch (step) {
        case 'keep-prompted-components':
          keepPromptedComponents(lowLogits, lw, lh, threshold, positivePoints(prompt).map(toGrid));
          break;
        case 'fill-holes':
          fillHoles(lowLogits, lw, lh, threshold);
          break;
      }
    }
    let mask: Uint8Array;
    if (m.output.maskSource === 'masks' && m.output.postprocess.length === 0) {
      const full = named('masks')!;
      const n = W * H;
      mask = new Uint8Array(n);
      const base = best * n;
      for (let i = 0; i < n; i++) mask[i] = full.data[base + i]! > threshold ? 1 : 0;
    } else {
      mask = upsampleToMask(lowLogits, lw, lh, valid.width, valid.height, W, H, threshold);
    }
    const score = Math.min(1, Math.max(0, scores.data[best]!));
    return {
      mask: { width: W, height: H, data: mask },
      score,
      lowResLogits: { width: lw, height: lh, logits: lowLogits },
    };
  }

  /** Waits for in-flight work, then releases both sessions. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.inFlight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
