/**
 * Generates the built-in model's ONNX files reproducibly from this project's TypeScript and writes
 * them beside the committed manifest; the manifest's checksums are the contract the bytes must meet.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256Bytes, sha256File } from '../../inference/engine/checksum.ts';
import { EngineError } from '../../inference/engine/errors.ts';
import type { Manifest } from '../../inference/engine/manifest.ts';
import { readManifest } from '../../inference/engine/model-pair.ts';
import { buildDecoder } from './decoder-graph.ts';
import { buildEncoder } from './encoder-graph.ts';
import { BUILTIN_PARAMS, type BuiltinParams } from './params.ts';
import { builtinManifest } from './manifest-template.ts';

export const BUILTIN_DIR = dirname(fileURLToPath(import.meta.url));
export const BUILTIN_MANIFEST = join(BUILTIN_DIR, 'manifest.json');

export interface BuiltModel {
  readonly encoder: Uint8Array;
  readonly decoder: Uint8Array;
  readonly manifest: Manifest;
}

/** Pure: the two ONNX files and the manifest that describes them. */
export function buildBuiltinModel(params: BuiltinParams = BUILTIN_PARAMS): BuiltModel {
  const encoder = buildEncoder(params);
  const decoder = buildDecoder(params);
  return {
    encoder,
    decoder,
    manifest: builtinManifest(sha256Bytes(encoder), sha256Bytes(decoder), params),
  };
}

/**
 * Makes sure the built-in model's files exist in `dir` and match the committed manifest:
 * builds them when missing or different; refuses when the build does not reproduce the checksums.
 */
export async function ensureBuiltinModel(
  dir = BUILTIN_DIR,
  log?: (line: string) => void,
): Promise<string> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readManifest(manifestPath);
  const files = [
    [manifest.files.encoder, 'encoder'],
    [manifest.files.decoder, 'decoder'],
  ] as const;
  let ok = true;
  for (const [ref] of files) {
    const path = join(dir, ref.path);
    if (!existsSync(path) || (await sha256File(path)) !== ref.sha256) ok = false;
  }
  if (ok) return manifestPath;
  const built = buildBuiltinModel();
  for (const [ref, role] of files) {
    const bytes = built[role];
    const sha = sha256Bytes(bytes);
    if (sha !== ref.sha256) {
      throw new EngineError(
        'MODEL_BUILD_FAILED',
        `built ${role} has sha256 ${sha}, manifest ${manifestPath} expects ${ref.sha256} (run npm run models:build after changing the builder)`,
      );
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ref.path), bytes);
  }
  log?.(`built-in model generated in ${dir}`);
  return manifestPath;
}

/** Regenerates files and manifest (after a deliberate change of the builder or its parameters). */
export function writeBuiltinModel(
  dir = BUILTIN_DIR,
  params: BuiltinParams = BUILTIN_PARAMS,
): Manifest {
  const built = buildBuiltinModel(params);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, built.manifest.files.encoder.path), built.encoder);
  writeFileSync(join(dir, built.manifest.files.decoder.path), built.decoder);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(built.manifest, null, 2)}\n`);
  return built.manifest;
}
