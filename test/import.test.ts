/**
 * The model import: the manifest it writes (roles, shapes, checksums, files) and every refusal,
 * on generated SAM-signature ONNX files; plus the real CLI once per exit code.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../inference/engine/errors.ts';
import { parseManifest } from '../inference/engine/manifest.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import { importModel, type ImportRequest } from '../models/import-model.ts';
import {
  buildSamDecoder,
  buildSamEncoder,
  buildSamexporterEncoder,
  writeToyPair,
  type ToyDecoderOptions,
} from './fixtures/sam-family-models.ts';

const SESSION = { executionProviders: ['cpu'], intraOpThreads: 1 } as const;
const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

let tmp: string;
let sam: { encoder: string; decoder: string };
let n = 0;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'import-'));
  sam = writeToyPair(join(tmp, 'src'), 'sam');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A fresh, empty models folder. */
function modelsDir(): string {
  n += 1;
  return join(tmp, `models-${n}`);
}

function request(over: Partial<ImportRequest> = {}): ImportRequest {
  return {
    encoderPath: sam.encoder,
    decoderPath: sam.decoder,
    family: 'sam',
    id: 'toy',
    modelsDir: modelsDir(),
    session: SESSION,
    ...over,
  };
}

/** Writes a file built by `bytes` next to the sources. */
function file(name: string, bytes: Uint8Array): string {
  const path = join(tmp, 'src', name);
  writeFileSync(path, bytes);
  return path;
}

function decoderFile(name: string, o: ToyDecoderOptions): string {
  return file(name, buildSamDecoder(o));
}

/** Runs an import that must be refused; returns the message. Checks nothing was left behind. */
async function refusal(req: ImportRequest): Promise<string> {
  const before = existsSync(req.modelsDir) ? readdirSync(req.modelsDir) : [];
  try {
    await importModel(req);
  } catch (e) {
    if (!isEngineError(e, 'IMPORT_INVALID')) throw e;
    const after = existsSync(req.modelsDir) ? readdirSync(req.modelsDir) : [];
    expect(after).toEqual(before);
    return e.message;
  }
  throw new Error('import was accepted');
}

describe('model import', () => {
  it('writes a valid manifest with the files, their sha256 and the roles of every tensor', async () => {
    const req = request({ id: 'toy-sam' });
    const r = await importModel(req);
    const dir = join(req.modelsDir, 'toy-sam');
    expect(r.manifestPath).toBe(join(dir, 'manifest.json'));
    const m = parseManifest(JSON.parse(readFileSync(r.manifestPath, 'utf8')), 'test');
    expect(m).toEqual(r.manifest);
    expect(m.files.encoder).toEqual({ path: 'encoder.onnx', sha256: sha(sam.encoder) });
    expect(m.files.decoder).toEqual({ path: 'decoder.onnx', sha256: sha(sam.decoder) });
    expect(sha(join(dir, 'encoder.onnx'))).toBe(sha(sam.encoder));
    expect(sha(join(dir, 'decoder.onnx'))).toBe(sha(sam.decoder));
    expect(r.modelSha256).toBe(
      createHash('sha256')
        .update(`${sha(sam.encoder)}\n${sha(sam.decoder)}`)
        .digest('hex'),
    );
    expect(m.family).toBe('sam');
    expect(m.encoder.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['batch', 3, 1024, 1024] },
    ]);
    expect(m.encoder.outputs).toEqual([
      { name: 'image_embeddings', dtype: 'float32', shape: [1, 256, 64, 64] },
    ]);
    expect(Object.fromEntries(m.decoder.inputs.map((i) => [i.name, [i.role, i.shape]]))).toEqual({
      image_embeddings: ['embedding', [1, 256, 64, 64]],
      point_coords: ['point_coords', [1, 'num_points', 2]],
      point_labels: ['point_labels', [1, 'num_points']],
      mask_input: ['mask_input', [1, 1, 256, 256]],
      has_mask_input: ['has_mask_input', [1]],
      orig_im_size: ['orig_im_size', [2]],
    });
    expect(Object.fromEntries(m.decoder.outputs.map((o) => [o.name, o.role]))).toEqual({
      masks: 'masks',
      iou_predictions: 'scores',
      low_res_masks: 'low_res_masks',
    });
    expect(m.decoder).toMatchObject({ pointCoords: 'model-input', padPoint: true });
    expect(m.output).toEqual({ maskSource: 'low_res_masks', threshold: 0, postprocess: [] });
    // Same filesystem: hard links (the import verifies the bytes by checksum on every open).
    expect(r.placement).toEqual({ encoder: 'hard-link', decoder: 'hard-link' });
    expect(statSync(join(dir, 'encoder.onnx')).ino).toBe(statSync(sam.encoder).ino);
    // No staging folders left.
    expect(readdirSync(req.modelsDir)).toEqual(['toy-sam']);
    const pair = await ModelPair.open(r.manifestPath, SESSION);
    expect(pair.modelSha256).toBe(r.modelSha256);
    await pair.close();
  });

  it('copies instead of linking when asked', async () => {
    const req = request({ copy: true });
    const r = await importModel(req);
    expect(r.placement).toEqual({ encoder: 'copy', decoder: 'copy' });
    expect(statSync(join(req.modelsDir, 'toy', 'encoder.onnx')).ino).not.toBe(
      statSync(sam.encoder).ino,
    );
  });

  it('accepts exports whose output dimensions are all symbolic and multimask decoders', async () => {
    const decoder = decoderFile('symbolic-decoder.onnx', {
      symbolicOutputs: true,
      scores: [0.1, 0.2, 0.3, 0.4],
      growth: [0, 0, 0, 0],
    });
    const r = await importModel(request({ decoderPath: decoder }));
    const low = r.manifest.decoder.outputs.find((o) => o.role === 'low_res_masks');
    expect(low?.shape).toEqual([
      'low_res_masks_dim_0',
      'low_res_masks_dim_1',
      'low_res_masks_dim_2',
      'low_res_masks_dim_3',
    ]);
    const pair = await ModelPair.open(r.manifestPath, SESSION);
    const frame = { width: 40, height: 30, channels: 1, data: new Uint8Array(1200) } as const;
    const result = await pair.decode(await pair.encode(frame), {
      points: [{ x: 20, y: 15, label: 'positive' }],
    });
    expect(result.score).toBeCloseTo(0.4, 5);
    expect(result.mask.data[15 * 40 + 20]).toBe(1);
    await pair.close();
  });

  it('detects a samexporter-style encoder (raw HWC input) and maps it to HWC, no pad, no normalisation', async () => {
    const encoder = file('samexporter-encoder.onnx', buildSamexporterEncoder());
    const r = await importModel(request({ encoderPath: encoder, family: 'mobilesam' }));
    expect(r.encoderStyle).toBe('hwc-raw');
    expect(r.manifest.preprocess).toEqual({
      resize: 'longest-side',
      size: 1024,
      pad: false,
      layout: 'HWC',
      channels: 3,
      normalize: { kind: 'none' },
    });
    expect(r.manifest.encoder.inputs[0]).toEqual({
      name: 'input_image',
      dtype: 'float32',
      shape: ['image_height', 'image_width', 3],
    });
  });

  it('maps MedSAM to stretch, min-max and the low-resolution masks', async () => {
    const r = await importModel(request({ family: 'medsam' }));
    expect(r.manifest.preprocess).toMatchObject({
      resize: 'stretch',
      size: 1024,
      layout: 'NCHW',
      normalize: { kind: 'min-max' },
    });
    expect(r.manifest.output.maskSource).toBe('low_res_masks');
  });

  it('refuses missing files', async () => {
    const missing = join(tmp, 'src', 'nope.onnx');
    expect(await refusal(request({ encoderPath: missing }))).toMatch(
      /IMPORT_INVALID: encoder file .*nope\.onnx does not exist/,
    );
    expect(await refusal(request({ decoderPath: missing }))).toMatch(
      /decoder file .*does not exist/,
    );
    expect(await refusal(request({ decoderPath: join(tmp, 'src') }))).toMatch(/is not a file/);
  });

  it('refuses a file that is not ONNX, with the loader error', async () => {
    const junk = file('junk.onnx', randomBytes(4096));
    const msg = await refusal(request({ decoderPath: junk }));
    expect(msg).toMatch(/decoder file .*junk\.onnx is not a loadable ONNX model/);
    expect(msg).toContain('MODEL_LOAD_FAILED');
    const empty = file('empty.onnx', new Uint8Array(0));
    expect(await refusal(request({ encoderPath: empty }))).toMatch(/encoder file .*empty\.onnx/);
  });

  it('refuses a decoder with a wrong input name, naming the tensor', async () => {
    const decoder = decoderFile('renamed-decoder.onnx', { names: { point_coords: 'coords' } });
    const msg = await refusal(request({ decoderPath: decoder }));
    expect(msg).toContain('decoder input point_coords is missing');
    expect(msg).toContain('decoder input coords:float32[1,num_points,2] is not part of');
  });

  it('refuses a decoder whose image_embeddings are 32×32', async () => {
    const decoder = decoderFile('grid32-decoder.onnx', { grid: 32 });
    const msg = await refusal(request({ decoderPath: decoder }));
    expect(msg).toMatch(
      /decoder input image_embeddings:float32\[1,256,32,32\].*dimension 2 is 32, not 64/,
    );
  });

  it('refuses a fixed number of points, a missing output and extra outputs', async () => {
    const fixed = decoderFile('fixed-points-decoder.onnx', { numPoints: 5 });
    expect(await refusal(request({ decoderPath: fixed }))).toMatch(
      /point_coords:float32\[1,5,2\].*dimension 1 \(num_points\) is fixed at 5; it must be dynamic/,
    );
    const renamedOut = decoderFile('renamed-out-decoder.onnx', {
      names: { low_res_masks: 'low_res_logits' },
    });
    const msg = await refusal(request({ decoderPath: renamedOut }));
    expect(msg).toContain('decoder output low_res_masks is missing');
    expect(msg).toContain('low_res_logits');
    // maskSource masks needs a masks output whose size follows orig_im_size.
    const noMasks = decoderFile('no-masks-decoder.onnx', { names: { masks: 'upscaled' } });
    expect(await refusal(request({ decoderPath: noMasks, maskSource: 'masks' }))).toContain(
      'decoder output masks is missing',
    );
  });

  it('refuses encoders that do not fit: embedding grid, output name, layout, MedSAM with HWC', async () => {
    const grid = file('grid32-encoder.onnx', buildSamEncoder({ grid: 32 }));
    expect(await refusal(request({ encoderPath: grid }))).toMatch(
      /encoder output image_embeddings:float32\[1,256,32,32\].*dimension 2 is 32, not 64/,
    );
    const named = file('named-encoder.onnx', buildSamEncoder({ outputName: 'features' }));
    expect(await refusal(request({ encoderPath: named }))).toMatch(
      /encoder output is named features; it must be image_embeddings/,
    );
    // A decoder is not an encoder: six inputs.
    expect(await refusal(request({ encoderPath: sam.decoder }))).toMatch(/encoder has 6 inputs/);
    const hwc = file('hwc-encoder.onnx', buildSamexporterEncoder());
    expect(await refusal(request({ encoderPath: hwc, family: 'medsam' }))).toMatch(
      /MedSAM contract: encoder input input_image.*samexporter-style/,
    );
    expect(await refusal(request({ family: 'medsam', maskSource: 'masks' }))).toMatch(
      /MedSAM needs maskSource low_res_masks/,
    );
  });

  it('refuses an existing id unless forced, and replaces it when forced', async () => {
    const dir = modelsDir();
    const first = await importModel(request({ modelsDir: dir, id: 'twice' }));
    const multi = decoderFile('multi-decoder.onnx', { scores: [0.5, 0.6, 0.7, 0.8] });
    expect(await refusal(request({ modelsDir: dir, id: 'twice', decoderPath: multi }))).toMatch(
      /model id "twice" already exists .*--force/,
    );
    // The refused import left the old model intact.
    expect(readFileSync(first.manifestPath, 'utf8')).toContain(sha(sam.decoder));
    const second = await importModel(
      request({ modelsDir: dir, id: 'twice', decoderPath: multi, force: true }),
    );
    expect(second.manifestPath).toBe(first.manifestPath);
    expect(second.manifest.files.decoder.sha256).toBe(sha(multi));
    expect(readFileSync(second.manifestPath, 'utf8')).toContain(sha(multi));
    expect(readdirSync(dir)).toEqual(['twice']);
    // Re-importing from the model's own files with --force keeps them.
    const own = join(dir, 'twice');
    await importModel(
      request({
        modelsDir: dir,
        id: 'twice',
        encoderPath: join(own, 'encoder.onnx'),
        decoderPath: join(own, 'decoder.onnx'),
        force: true,
      }),
    );
    expect(sha(join(own, 'decoder.onnx'))).toBe(sha(multi));
  });

  it('refuses invalid and reserved ids', async () => {
    for (const id of ['', 'Upper', 'has space', '../escape', '.hidden', 'a/b', 'x'.repeat(65)]) {
      expect(await refusal(request({ id }))).toMatch(/is not a valid model id/);
    }
    expect(await refusal(request({ id: 'builtin' }))).toMatch(/reserved for the built-in model/);
    expect(
      await refusal(request({ family: 'sam2' as unknown as ImportRequest['family'] })),
    ).toMatch(/unknown family "sam2"/);
  });
});

describe('models:import CLI', () => {
  const run = promisify(execFile);
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('npx', ['tsx', 'models/import-cli.ts', ...args], {
        cwd: REPO,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  it('imports (exit 0, prints manifest path and checksums), refuses (exit 1), usage error (exit 2)', async () => {
    const dir = modelsDir();
    const args = ['--encoder', sam.encoder, '--decoder', sam.decoder, '--family', 'sam'];
    const ok = await cli([...args, '--id', 'cli-sam', '--models-dir', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`manifest: ${join(dir, 'cli-sam', 'manifest.json')}`);
    expect(ok.stdout).toContain(`sha256 ${sha(sam.encoder)}`);
    expect(ok.stdout).toContain(`sha256 ${sha(sam.decoder)}`);
    expect(existsSync(join(dir, 'cli-sam', 'manifest.json'))).toBe(true);

    const again = await cli([...args, '--id', 'cli-sam', '--models-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/IMPORT_INVALID: model id "cli-sam" already exists/);

    const usage = await cli([...args, '--models-dir', dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('missing --id');
    expect(usage.stderr).toContain('usage: npm run models:import');

    const badFamily = await cli([...args.slice(0, 4), '--family', 'sam3', '--id', 'x']);
    expect(badFamily.code).toBe(2);
    expect(badFamily.stderr).toContain('--family must be one of sam, mobilesam, medsam');
  });
});
