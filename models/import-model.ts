/**
 * Imports a SAM-family ONNX encoder/decoder pair as `models/<id>/`: reads both signatures with
 * onnxruntime, maps tensor names to roles by the known export contracts, writes the manifest for
 * the family's preprocessing, places the files (hard link, else copy) and proves the result opens
 * with `ModelPair.open`. Refusals are `EngineError('IMPORT_INVALID', …)` naming the file and tensor.
 * See docs/model-contract.md.
 */
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { modelChecksum, sha256File } from '../inference/engine/checksum.ts';
import { EngineError, isEngineError } from '../inference/engine/errors.ts';
import {
  parseManifest,
  type DecoderInputSpec,
  type DecoderOutputSpec,
  type Manifest,
  type TensorSpec,
} from '../inference/engine/manifest.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import {
  openSession,
  type SessionOptions,
  type TensorMeta,
} from '../inference/engine/ort-session.ts';

export const IMPORT_FAMILIES = ['sam', 'mobilesam', 'medsam'] as const;
export type ImportFamily = (typeof IMPORT_FAMILIES)[number];
export type MaskSource = Manifest['output']['maskSource'];

/** Same rule as the manifest schema's `id`. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Ids the importer never writes (the built-in model is generated, not imported). */
export const RESERVED_MODEL_IDS: readonly string[] = ['builtin'];

/** SAM's ResizeLongestSide target and pixel statistics (segment_anything/modeling/sam.py). */
export const SAM_IMAGE_SIZE = 1024;
export const SAM_PIXEL_MEAN = [123.675, 116.28, 103.53];
export const SAM_PIXEL_STD = [58.395, 57.12, 57.375];
const EMBED_DIM = 256;
const EMBED_GRID = 64;
const LOW_RES = 256;

const FAMILY_LABEL: Record<ImportFamily, string> = {
  sam: 'SAM (ViT)',
  mobilesam: 'MobileSAM',
  medsam: 'MedSAM',
};

export const DEFAULT_IMPORT_SESSION: SessionOptions = {
  executionProviders: ['cpu'],
  intraOpThreads: 1,
};

export interface ImportRequest {
  readonly encoderPath: string;
  readonly decoderPath: string;
  readonly family: ImportFamily;
  readonly id: string;
  /** The folder that holds `<id>/manifest.json`. */
  readonly modelsDir: string;
  /** Replace an existing `<modelsDir>/<id>`. */
  readonly force?: boolean;
  /** Copy the files even where a hard link would work. */
  readonly copy?: boolean;
  /**
   * Where the mask comes from. Default `low_res_masks` (the engine upsamples) for every family:
   * the `masks` output of exports made with the segment-anything 1.0 PyPI package crops with the
   * export's dummy aspect ratio, and MedSAM's stretched input never fits the graph's crop.
   */
  readonly maskSource?: MaskSource;
  readonly description?: string;
  /** Sessions used to inspect and verify (default CPU, 1 thread). */
  readonly session?: SessionOptions;
}

export interface ImportResult {
  readonly manifestPath: string;
  readonly manifest: Manifest;
  readonly encoderSha256: string;
  readonly decoderSha256: string;
  /** sha256 over "<encoder sha256>\n<decoder sha256>", as every result carries it. */
  readonly modelSha256: string;
  readonly placement: { readonly encoder: Placement; readonly decoder: Placement };
  /** Encoder layout that was detected. */
  readonly encoderStyle: EncoderStyle;
}

export type Placement = 'hard-link' | 'copy';
/** `nchw`: the caller normalises and pads (SAM, MobileSAM, MedSAM); `hwc-raw`: samexporter `--use-preprocess`. */
export type EncoderStyle = 'nchw' | 'hwc-raw';

function refuse(detail: string, cause?: unknown): never {
  throw new EngineError('IMPORT_INVALID', detail, cause === undefined ? undefined : { cause });
}

// ---------------------------------------------------------------------------------------------
// Signature contracts

/**
 * One dimension of a contract: `size` (that size; a symbolic dimension in the file is accepted,
 * onnxruntime checks it at run time), `exact` (that size, fixed in the file: the engine reads it
 * from the manifest), `dynamic` (must be symbolic: it changes from call to call), or `any`.
 */
type DimRule =
  | { readonly kind: 'size'; readonly size: number }
  | { readonly kind: 'exact'; readonly size: number }
  | { readonly kind: 'dynamic'; readonly why: string }
  | { readonly kind: 'any' };

const size = (n: number): DimRule => ({ kind: 'size', size: n });
const exact = (n: number): DimRule => ({ kind: 'exact', size: n });
const dynamic = (why: string): DimRule => ({ kind: 'dynamic', why });
const ANY: DimRule = { kind: 'any' };

function ruleText(r: DimRule): string {
  switch (r.kind) {
    case 'size':
    case 'exact':
      return String(r.size);
    case 'dynamic':
      return r.why;
    case 'any':
      return '?';
  }
}

function describe(t: { name: string; dtype: string; shape: readonly (number | string)[] }): string {
  return `${t.name}:${t.dtype}[${t.shape.map((d) => (d === '' ? '?' : String(d))).join(',')}]`;
}

/** Problems of one tensor against its rule (empty when it fits). */
function tensorProblems(what: string, t: TensorMeta, rules: readonly DimRule[]): string[] {
  const expected = `float32[${rules.map(ruleText).join(',')}]`;
  const head = `${what} ${describe(t)} does not fit the contract ${expected}`;
  if (t.dtype !== 'float32') return [`${head}: type must be float32`];
  if (t.shape.length !== rules.length) {
    return [`${head}: rank ${t.shape.length}, expected ${rules.length}`];
  }
  const problems: string[] = [];
  rules.forEach((r, i) => {
    const d = t.shape[i]!;
    const symbolic = typeof d === 'string';
    switch (r.kind) {
      case 'size':
        if (!symbolic && d !== r.size)
          problems.push(`${head}: dimension ${i} is ${d}, not ${r.size}`);
        break;
      case 'exact':
        if (symbolic || d !== r.size) {
          problems.push(
            `${head}: dimension ${i} must be fixed at ${r.size}, the file has ${d || '?'}`,
          );
        }
        break;
      case 'dynamic':
        if (!symbolic) {
          problems.push(
            `${head}: dimension ${i} (${r.why}) is fixed at ${d}; it must be dynamic (re-export with a dynamic axis)`,
          );
        }
        break;
      case 'any':
        break;
    }
  });
  return problems;
}

/** Symbolic dimensions keep their name; unnamed ones get `<tensor>_dim<i>` (the schema wants a name). */
function specOf(t: TensorMeta): TensorSpec {
  return {
    name: t.name,
    dtype: 'float32',
    shape: t.shape.map((d, i) =>
      typeof d === 'number' ? d : /^-?\d*$/.test(d) ? `${t.name}_dim${i}` : d,
    ),
  };
}

interface DecoderInputContract {
  readonly name: string;
  readonly role: DecoderInputSpec['role'];
  readonly dims: readonly DimRule[];
}

/** segment-anything `SamOnnxModel` inputs (scripts/export_onnx_model.py; MobileSAM, MedSAM and samexporter reuse it). */
const DECODER_INPUTS: readonly DecoderInputContract[] = [
  {
    name: 'image_embeddings',
    role: 'embedding',
    dims: [size(1), size(EMBED_DIM), size(EMBED_GRID), size(EMBED_GRID)],
  },
  {
    name: 'point_coords',
    role: 'point_coords',
    dims: [size(1), dynamic('num_points'), size(2)],
  },
  { name: 'point_labels', role: 'point_labels', dims: [size(1), dynamic('num_points')] },
  {
    name: 'mask_input',
    role: 'mask_input',
    dims: [size(1), size(1), exact(LOW_RES), exact(LOW_RES)],
  },
  { name: 'has_mask_input', role: 'has_mask_input', dims: [size(1)] },
  { name: 'orig_im_size', role: 'orig_im_size', dims: [size(2)] },
];

const DECODER_OUTPUT_ROLES: Readonly<Record<string, DecoderOutputSpec['role']>> = {
  masks: 'masks',
  iou_predictions: 'scores',
  low_res_masks: 'low_res_masks',
};

function byName(list: readonly TensorMeta[]): Map<string, TensorMeta> {
  return new Map(list.map((t) => [t.name, t]));
}

function names(list: readonly TensorMeta[]): string {
  return list.map((t) => t.name).join(', ') || 'none';
}

export interface Signatures {
  readonly encoder: {
    readonly inputs: readonly TensorMeta[];
    readonly outputs: readonly TensorMeta[];
  };
  readonly decoder: {
    readonly inputs: readonly TensorMeta[];
    readonly outputs: readonly TensorMeta[];
  };
}

export interface ManifestInputs {
  readonly id: string;
  readonly family: ImportFamily;
  readonly encoderSha256: string;
  readonly decoderSha256: string;
  readonly maskSource?: MaskSource;
  readonly description?: string;
}

function encoderStyleOf(
  family: ImportFamily,
  input: TensorMeta,
  problems: string[],
): EncoderStyle | undefined {
  const what = `encoder input`;
  if (input.shape.length === 3 && input.shape[2] === 3) {
    if (family === 'medsam') {
      problems.push(
        `${what} ${describe(input)} is a samexporter-style raw HWC input, which normalises with SAM's mean/std inside the graph; MedSAM needs an NCHW [1,3,1024,1024] encoder (min-max normalised, stretched)`,
      );
      return undefined;
    }
    problems.push(
      ...tensorProblems(what, input, [dynamic('image_height'), dynamic('image_width'), size(3)]),
    );
    return 'hwc-raw';
  }
  if (input.shape.length === 4) {
    problems.push(
      ...tensorProblems(what, input, [
        size(1),
        size(3),
        size(SAM_IMAGE_SIZE),
        size(SAM_IMAGE_SIZE),
      ]),
    );
    return 'nchw';
  }
  problems.push(
    `${what} ${describe(input)} is neither NCHW float32[1,3,${SAM_IMAGE_SIZE},${SAM_IMAGE_SIZE}] nor samexporter-style float32[image_height,image_width,3]`,
  );
  return undefined;
}

/**
 * Pure: checks both signatures against the family's contract and returns the manifest, or
 * refuses with every problem found (each names the file side and tensor).
 */
export function manifestFromSignatures(
  sig: Signatures,
  m: ManifestInputs,
): { manifest: Manifest; encoderStyle: EncoderStyle } {
  const problems: string[] = [];
  const maskSource = m.maskSource ?? 'low_res_masks';
  if (m.family === 'medsam' && maskSource === 'masks') {
    problems.push(
      "MedSAM needs maskSource low_res_masks: the decoder's masks output crops for SAM's longest-side resize, MedSAM stretches",
    );
  }

  // Encoder: one input, one output.
  const { encoder, decoder } = sig;
  let encoderStyle: EncoderStyle | undefined;
  if (encoder.inputs.length !== 1) {
    problems.push(
      `encoder has ${encoder.inputs.length} inputs (${names(encoder.inputs)}); expected one image input`,
    );
  } else {
    encoderStyle = encoderStyleOf(m.family, encoder.inputs[0]!, problems);
  }
  if (encoder.outputs.length !== 1) {
    problems.push(
      `encoder has ${encoder.outputs.length} outputs (${names(encoder.outputs)}); expected one, image_embeddings`,
    );
  } else {
    const out = encoder.outputs[0]!;
    problems.push(
      ...tensorProblems('encoder output', out, [
        size(1),
        size(EMBED_DIM),
        size(EMBED_GRID),
        size(EMBED_GRID),
      ]),
    );
    if (out.name !== 'image_embeddings') {
      problems.push(
        `encoder output is named ${out.name}; it must be image_embeddings, the decoder input it feeds (the engine passes the embedding by name)`,
      );
    }
  }

  // Decoder inputs by name.
  const dIn = byName(decoder.inputs);
  const inputs: DecoderInputSpec[] = [];
  for (const c of DECODER_INPUTS) {
    const t = dIn.get(c.name);
    if (!t) {
      problems.push(`decoder input ${c.name} is missing (the file has ${names(decoder.inputs)})`);
      continue;
    }
    dIn.delete(c.name);
    problems.push(...tensorProblems('decoder input', t, c.dims));
    inputs.push({ ...specOf(t), role: c.role });
  }
  for (const extra of dIn.values()) {
    problems.push(`decoder input ${describe(extra)} is not part of the SAM decoder contract`);
  }

  // Decoder outputs by name; K masks, consistently.
  const dOut = byName(decoder.outputs);
  const outputs: DecoderOutputSpec[] = [];
  const required = [
    'iou_predictions',
    'low_res_masks',
    ...(maskSource === 'masks' ? ['masks'] : []),
  ];
  for (const name of required) {
    if (!dOut.has(name)) {
      problems.push(`decoder output ${name} is missing (the file has ${names(decoder.outputs)})`);
    }
  }
  const counts = new Set<number>();
  for (const t of decoder.outputs) {
    const role = DECODER_OUTPUT_ROLES[t.name];
    if (!role) {
      problems.push(
        `decoder output ${describe(t)} is not part of the SAM decoder contract (export without --return-extra-metrics)`,
      );
      continue;
    }
    const rules: DimRule[] =
      role === 'scores'
        ? [size(1), ANY]
        : role === 'low_res_masks'
          ? [size(1), ANY, size(LOW_RES), size(LOW_RES)]
          : [
              size(1),
              ANY,
              maskSource === 'masks' ? dynamic('H') : ANY,
              maskSource === 'masks' ? dynamic('W') : ANY,
            ];
    problems.push(...tensorProblems('decoder output', t, rules));
    const k = t.shape[1];
    if (typeof k === 'number') counts.add(k);
    outputs.push({ ...specOf(t), role });
  }
  if (counts.size > 1) {
    problems.push(`decoder outputs disagree on the number of masks (${[...counts].join(' vs ')})`);
  }
  if (problems.length > 0 || !encoderStyle) {
    refuse(`${FAMILY_LABEL[m.family]} contract: ${problems.join('; ')}`);
  }

  const preprocess: Manifest['preprocess'] =
    m.family === 'medsam'
      ? // MedSAM_Inference.py: resize to 1024×1024 (no aspect ratio), then min-max to [0, 1].
        {
          resize: 'stretch',
          size: SAM_IMAGE_SIZE,
          pad: false,
          layout: 'NCHW',
          channels: 3,
          normalize: { kind: 'min-max' },
        }
      : encoderStyle === 'hwc-raw'
        ? // samexporter --use-preprocess: the graph normalises and pads; feed the resized RGB.
          {
            resize: 'longest-side',
            size: SAM_IMAGE_SIZE,
            pad: false,
            layout: 'HWC',
            channels: 3,
            normalize: { kind: 'none' },
          }
        : // SAM / MobileSAM: ResizeLongestSide(1024), pixel mean/std, zero pad bottom/right.
          {
            resize: 'longest-side',
            size: SAM_IMAGE_SIZE,
            pad: true,
            layout: 'NCHW',
            channels: 3,
            normalize: { kind: 'mean-std', mean: [...SAM_PIXEL_MEAN], std: [...SAM_PIXEL_STD] },
          };
  const style =
    encoderStyle === 'hwc-raw' ? ', samexporter-style encoder with in-graph preprocessing' : '';
  const manifest: Manifest = {
    schemaVersion: 1,
    id: m.id,
    family: m.family,
    description: m.description ?? `${FAMILY_LABEL[m.family]} ONNX export${style}`,
    files: {
      encoder: { path: 'encoder.onnx', sha256: m.encoderSha256 },
      decoder: { path: 'decoder.onnx', sha256: m.decoderSha256 },
    },
    preprocess,
    encoder: {
      inputs: [specOf(encoder.inputs[0]!)],
      outputs: [specOf(encoder.outputs[0]!)],
    },
    decoder: {
      inputs,
      outputs,
      // SAM's ONNX decoder takes coordinates in the resized (model-input) frame and expects a
      // padding point (label -1) when there is no box.
      pointCoords: 'model-input',
      padPoint: true,
      // SAM's prompt encoder adds 0.5 to pixel-index coordinates; ours are continuous.
      pointOffset: -0.5,
    },
    output: { maskSource, threshold: 0, postprocess: [] },
  };
  return { manifest: parseManifest(manifest, `manifest for ${m.id}`), encoderStyle };
}

// ---------------------------------------------------------------------------------------------
// The import

function checkId(id: string): void {
  if (typeof id !== 'string' || !MODEL_ID_PATTERN.test(id)) {
    refuse(
      `"${String(id)}" is not a valid model id (1–64 of a-z 0-9 . _ -, starting with a letter or digit)`,
    );
  }
  if (RESERVED_MODEL_IDS.includes(id)) refuse(`"${id}" is reserved for the built-in model`);
}

function checkFile(path: string, what: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) refuse(`${what} file ${abs} does not exist`);
  if (!statSync(abs).isFile()) refuse(`${what} ${abs} is not a file`);
  return abs;
}

async function signatureOf(
  path: string,
  what: string,
  options: SessionOptions,
): Promise<{ inputs: readonly TensorMeta[]; outputs: readonly TensorMeta[] }> {
  try {
    const session = await openSession(path, `import ${what}`, options);
    const sig = { inputs: session.inputs, outputs: session.outputs };
    await session.release();
    return sig;
  } catch (e) {
    if (isEngineError(e, 'MODEL_LOAD_FAILED')) {
      refuse(`${what} file ${path} is not a loadable ONNX model (${e.message})`, e);
    }
    throw e;
  }
}

/** JSON with arrays of plain values on one line (as prettier writes the committed manifests). */
export function manifestJson(manifest: Manifest): string {
  const json = JSON.stringify(manifest, null, 2).replace(
    /\[\n\s*([^[\]{}]*?)\n\s*\]/g,
    (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`,
  );
  return `${json}\n`;
}

function place(src: string, dst: string, copy: boolean): Placement {
  if (!copy) {
    try {
      linkSync(src, dst);
      return 'hard-link';
    } catch {
      // Another filesystem, or links not allowed: copy instead.
    }
  }
  copyFileSync(src, dst);
  return 'copy';
}

export async function importModel(req: ImportRequest): Promise<ImportResult> {
  checkId(req.id);
  if (!(IMPORT_FAMILIES as readonly string[]).includes(req.family)) {
    refuse(`unknown family "${String(req.family)}" (one of ${IMPORT_FAMILIES.join(', ')})`);
  }
  const encoderPath = checkFile(req.encoderPath, 'encoder');
  const decoderPath = checkFile(req.decoderPath, 'decoder');
  const modelsDir = resolve(req.modelsDir);
  const target = join(modelsDir, req.id);
  if (existsSync(target) && !req.force) {
    refuse(`model id "${req.id}" already exists at ${target} (pass --force to replace it)`);
  }
  const session = req.session ?? DEFAULT_IMPORT_SESSION;

  const sig: Signatures = {
    encoder: await signatureOf(encoderPath, 'encoder', session),
    decoder: await signatureOf(decoderPath, 'decoder', session),
  };
  const [encoderSha256, decoderSha256] = await Promise.all([
    sha256File(encoderPath),
    sha256File(decoderPath),
  ]);
  const { manifest, encoderStyle } = manifestFromSignatures(sig, {
    id: req.id,
    family: req.family,
    encoderSha256,
    decoderSha256,
    ...(req.maskSource ? { maskSource: req.maskSource } : {}),
    ...(req.description ? { description: req.description } : {}),
  });

  // Stage beside the target (same filesystem, so the final rename is atomic), verify, then swap.
  mkdirSync(modelsDir, { recursive: true });
  const stamp = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(modelsDir, `.import-${req.id}-${stamp}`);
  mkdirSync(staging);
  let placement: ImportResult['placement'];
  try {
    placement = {
      encoder: place(encoderPath, join(staging, manifest.files.encoder.path), req.copy ?? false),
      decoder: place(decoderPath, join(staging, manifest.files.decoder.path), req.copy ?? false),
    };
    writeFileSync(join(staging, 'manifest.json'), manifestJson(manifest));
    try {
      const pair = await ModelPair.open(join(staging, 'manifest.json'), session);
      await pair.close();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      refuse(
        `the imported model does not open (${msg}); ONNX files with external data (e.g. ViT-H encoders) are not supported`,
        e,
      );
    }
    if (existsSync(target)) {
      const old = join(modelsDir, `.replaced-${req.id}-${stamp}`);
      renameSync(target, old);
      try {
        renameSync(staging, target);
      } catch (e) {
        renameSync(old, target);
        throw e;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return {
    manifestPath: join(target, 'manifest.json'),
    manifest,
    encoderSha256,
    decoderSha256,
    modelSha256: modelChecksum(encoderSha256, decoderSha256),
    placement,
    encoderStyle,
  };
}

/** One line per file, for the CLI. */
export function importSummary(
  r: ImportResult,
  sources: { encoder: string; decoder: string },
): string {
  const m = r.manifest;
  return [
    `imported ${m.family} model "${m.id}"${r.encoderStyle === 'hwc-raw' ? ' (samexporter-style encoder)' : ''}`,
    `manifest: ${r.manifestPath}`,
    `encoder:  ${m.files.encoder.path} sha256 ${r.encoderSha256} (${r.placement.encoder} of ${basename(sources.encoder)})`,
    `decoder:  ${m.files.decoder.path} sha256 ${r.decoderSha256} (${r.placement.decoder} of ${basename(sources.decoder)})`,
    `model sha256: ${r.modelSha256}`,
    `preprocess: ${m.preprocess.resize} ${m.preprocess.size}, ${m.preprocess.layout}, normalize ${m.preprocess.normalize.kind}, pad ${String(m.preprocess.pad)}; mask from ${m.output.maskSource}`,
  ].join('\n');
}
