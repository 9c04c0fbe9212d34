/**
 * Bad inputs never crash the engine: every refusal carries its code. Model files and manifests are
 * broken copies of an imported toy SAM model; frames and prompts go to the built-in model.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError, type EngineErrorCode } from '../inference/engine/errors.ts';
import type { Frame } from '../inference/engine/frame.ts';
import type { Manifest } from '../inference/engine/manifest.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import type { Prompt } from '../inference/engine/prompts.ts';
import type { Embedding } from '../inference/engine/types.ts';
import { importModel } from '../models/import-model.ts';
import {
  buildSamDecoder,
  buildSamexporterEncoder,
  writeToyPair,
} from './fixtures/sam-family-models.ts';

const SESSION = { executionProviders: ['cpu'], intraOpThreads: 1 } as const;

let tmp: string;
let good: string; // folder of a valid imported model
let n = 0;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'bad-input-'));
  const src = writeToyPair(join(tmp, 'src'), 'sam');
  const r = await importModel({
    encoderPath: src.encoder,
    decoderPath: src.decoder,
    family: 'sam',
    id: 'good',
    modelsDir: join(tmp, 'models'),
    copy: true,
    session: SESSION,
  });
  good = join(tmp, 'models', 'good');
  expect(r.manifestPath).toBe(join(good, 'manifest.json'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh copy of the good model; returns its folder. */
function copyOfGood(): string {
  n += 1;
  const dir = join(tmp, `case-${n}`);
  cpSync(good, dir, { recursive: true });
  return dir;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function editManifest(dir: string, edit: (m: Manifest) => void): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  edit(m);
  writeFileSync(path, JSON.stringify(m));
}

/** Replaces one ONNX file and records its checksum, so only its content is wrong. */
function replaceFile(dir: string, role: 'encoder' | 'decoder', bytes: Uint8Array): void {
  writeFileSync(join(dir, `${role}.onnx`), bytes);
  editManifest(dir, (m) => {
    m.files[role].sha256 = sha(bytes);
  });
}

async function codeOf(work: () => Promise<unknown>): Promise<EngineErrorCode> {
  try {
    await work();
  } catch (e) {
    if (isEngineError(e)) return e.code;
    throw e;
  }
  throw new Error('accepted');
}

const open = (dir: string) => ModelPair.open(join(dir, 'manifest.json'), SESSION);

describe('ModelPair.open refuses broken models with the right code', () => {
  it('opens the untouched model (the cases below differ from it in one thing)', async () => {
    const pair = await open(copyOfGood());
    await pair.close();
  });

  it('manifest missing → MODEL_MANIFEST_MISSING', async () => {
    expect(await codeOf(() => open(join(tmp, 'no-such-model')))).toBe('MODEL_MANIFEST_MISSING');
    const dir = copyOfGood();
    unlinkSync(join(dir, 'manifest.json'));
    expect(await codeOf(() => open(dir))).toBe('MODEL_MANIFEST_MISSING');
  });

  it('invalid JSON or a manifest breaking the schema → MODEL_MANIFEST_INVALID', async () => {
    const dir = copyOfGood();
    writeFileSync(join(dir, 'manifest.json'), '{ "schemaVersion": 1, ');
    expect(await codeOf(() => open(dir))).toBe('MODEL_MANIFEST_INVALID');
    const other = copyOfGood();
    editManifest(other, (m) => {
      (m.preprocess as { size: number }).size = 0;
    });
    expect(await codeOf(() => open(other))).toBe('MODEL_MANIFEST_INVALID');
    const noScores = copyOfGood();
    editManifest(noScores, (m) => {
      m.decoder.outputs = m.decoder.outputs.filter((o) => o.role !== 'scores');
    });
    expect(await codeOf(() => open(noScores))).toBe('MODEL_MANIFEST_INVALID');
  });

  it('ONNX file missing → MODEL_FILE_MISSING', async () => {
    const dir = copyOfGood();
    unlinkSync(join(dir, 'decoder.onnx'));
    expect(await codeOf(() => open(dir))).toBe('MODEL_FILE_MISSING');
  });

  it('wrong checksum → MODEL_CHECKSUM_MISMATCH', async () => {
    const dir = copyOfGood();
    const enc = join(dir, 'encoder.onnx');
    writeFileSync(enc, Buffer.concat([readFileSync(enc), Buffer.from([0])]));
    expect(await codeOf(() => open(dir))).toBe('MODEL_CHECKSUM_MISMATCH');
    const other = copyOfGood();
    editManifest(other, (m) => {
      m.files.decoder.sha256 = '0'.repeat(64);
    });
    expect(await codeOf(() => open(other))).toBe('MODEL_CHECKSUM_MISMATCH');
  });

  it('corrupt ONNX bytes with a matching checksum → MODEL_LOAD_FAILED', async () => {
    const dir = copyOfGood();
    replaceFile(dir, 'encoder', randomBytes(2048));
    expect(await codeOf(() => open(dir))).toBe('MODEL_LOAD_FAILED');
    const truncated = copyOfGood();
    const bytes = readFileSync(join(truncated, 'decoder.onnx'));
    replaceFile(truncated, 'decoder', bytes.subarray(0, bytes.length >> 1));
    expect(await codeOf(() => open(truncated))).toBe('MODEL_LOAD_FAILED');
  });

  it('a file whose signature differs from the manifest → MODEL_SIGNATURE_MISMATCH', async () => {
    const dir = copyOfGood();
    replaceFile(dir, 'decoder', buildSamDecoder({ grid: 32 }));
    expect(await codeOf(() => open(dir))).toBe('MODEL_SIGNATURE_MISMATCH');
    const encoder = copyOfGood();
    replaceFile(encoder, 'encoder', buildSamexporterEncoder());
    expect(await codeOf(() => open(encoder))).toBe('MODEL_SIGNATURE_MISMATCH');
    const multi = copyOfGood();
    replaceFile(multi, 'decoder', buildSamDecoder({ scores: [0.1, 0.2, 0.3, 0.4] }));
    expect(await codeOf(() => open(multi))).toBe('MODEL_SIGNATURE_MISMATCH');
  });
});

describe('encode and decode refuse bad frames and prompts with the right code', () => {
  let builtin: ModelPair;
  let toy: ModelPair;
  let emb: Embedding;
  const W = 160;
  const H = 120;
  const frame: Frame = { width: W, height: H, channels: 1, data: new Uint8Array(W * H).fill(90) };

  beforeAll(async () => {
    builtin = await openModel('builtin', SESSION);
    toy = await open(good);
    emb = await builtin.encode(frame);
  });
  afterAll(async () => {
    await builtin.close();
    await toy.close();
  });

  it('frames: 2 channels, wrong buffer length, 16-bit pixels, bad sizes', async () => {
    const encode = (f: unknown) => codeOf(() => builtin.encode(f as Frame));
    expect(await encode({ ...frame, channels: 2, data: new Uint8Array(W * H * 2) })).toBe(
      'IMAGE_UNSUPPORTED',
    );
    expect(await encode({ ...frame, data: new Uint8Array(W * H - 1) })).toBe('IMAGE_INVALID');
    expect(await encode({ ...frame, channels: 3 })).toBe('IMAGE_INVALID');
    expect(await encode({ ...frame, data: new Uint16Array(W * H) })).toBe('IMAGE_UNSUPPORTED');
    expect(await encode({ ...frame, data: new Float32Array(W * H) })).toBe('IMAGE_UNSUPPORTED');
    expect(await encode({ ...frame, width: 0, data: new Uint8Array(0) })).toBe('IMAGE_INVALID');
    expect(await encode({ ...frame, width: 159.5 })).toBe('IMAGE_INVALID');
  });

  it('prompts: outside the image, empty, negative only, NaN, empty or inverted box', async () => {
    const decode = (p: Prompt) => codeOf(() => builtin.decode(emb, p));
    const pt = (x: number, y: number, label: 'positive' | 'negative' = 'positive') => ({
      x,
      y,
      label,
    });
    const bad: Prompt[] = [
      { points: [pt(-1, 10)] },
      { points: [pt(10, -0.5)] },
      { points: [pt(W + 1, 10)] },
      { points: [pt(10, H + 0.01)] },
      { points: [] },
      { points: [pt(10, 10, 'negative')] },
      { points: [pt(10, 10, 'negative'), pt(20, 20, 'negative')] },
      { points: [pt(Number.NaN, 10)] },
      { points: [pt(10, Number.POSITIVE_INFINITY)] },
      { points: [], box: { x0: 10, y0: 10, x1: 10, y1: 50 } },
      { points: [], box: { x0: 10, y0: 50, x1: 60, y1: 50.5 } },
      { points: [], box: { x0: 60, y0: 60, x1: 10, y1: 10 } },
      { points: [], box: { x0: 10, y0: 10, x1: W + 5, y1: 50 } },
      { points: [], box: { x0: Number.NaN, y0: 10, x1: 50, y1: 50 } },
      { points: [{ x: 10, y: 10, label: 'maybe' as 'positive' }] },
      {
        points: [pt(10, 10)],
        previousMask: { width: 4, height: 4, logits: new Float32Array(15) },
      },
      // Malformed previous masks and prompt objects (as they could arrive over the network).
      {
        points: [pt(10, 10)],
        previousMask: { width: -1, height: -1, logits: new Float32Array(1) },
      },
      {
        points: [pt(10, 10)],
        previousMask: { width: 0.5, height: 2, logits: new Float32Array(1) },
      },
      { points: [pt(10, 10)], previousMask: { width: 0, height: 4, logits: new Float32Array(0) } },
      {
        points: [pt(10, 10)],
        previousMask: { width: 2, height: 2, logits: [0, 0, 0, 0] as unknown as Float32Array },
      },
      { points: undefined } as unknown as Prompt,
      { points: [null] } as unknown as Prompt,
      { points: 'x' } as unknown as Prompt,
      null as unknown as Prompt,
    ];
    for (const p of bad) expect(await decode(p), JSON.stringify(p)).toBe('PROMPT_INVALID');
    // The same model still answers a valid prompt, including one on the image edge.
    const ok = await builtin.decode(emb, { points: [pt(80, 60)] });
    expect(ok.mask.width).toBe(W);
    await builtin.decode(emb, { points: [pt(0, 0), pt(W, H)] });
  });

  it('a closed model refuses work → INFERENCE_FAILED', async () => {
    const pair = await open(good);
    const e = await pair.encode(frame);
    await pair.close();
    expect(await codeOf(() => pair.encode(frame))).toBe('INFERENCE_FAILED');
    const prompt: Prompt = { points: [{ x: 80, y: 60, label: 'positive' }] };
    expect(await codeOf(() => pair.decode(e, prompt))).toBe('INFERENCE_FAILED');
  });

  it('an embedding from another model → EMBEDDING_MISMATCH', async () => {
    const toyEmb = await toy.encode(frame);
    const prompt: Prompt = { points: [{ x: 80, y: 60, label: 'positive' }] };
    expect(await codeOf(() => builtin.decode(toyEmb, prompt))).toBe('EMBEDDING_MISMATCH');
    expect(await codeOf(() => toy.decode(emb, prompt))).toBe('EMBEDDING_MISMATCH');
    // Right model checksum, but a tensor missing.
    const hollow: Embedding = { ...toyEmb, tensors: {} };
    expect(await codeOf(() => toy.decode(hollow, prompt))).toBe('EMBEDDING_MISMATCH');
    expect((await toy.decode(toyEmb, prompt)).modelId).toBe('good');
  });
});
