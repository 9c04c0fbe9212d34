import { describe, expect, it } from 'vitest';
import { isEngineError } from '../inference/engine/errors.ts';
import { parseManifest } from '../inference/engine/manifest.ts';
import { buildBuiltinModel } from '../models/builtin/build.ts';

const valid = () =>
  structuredClone(buildBuiltinModel().manifest) as unknown as Record<string, unknown>;

function refusal(json: unknown): string {
  try {
    parseManifest(json, 'test');
  } catch (e) {
    if (isEngineError(e, 'MODEL_MANIFEST_INVALID')) return e.message;
    throw e;
  }
  throw new Error('manifest was accepted');
}

describe('manifest schema', () => {
  it('accepts the built-in manifest', () => {
    expect(parseManifest(valid(), 'test').id).toBe('builtin');
  });

  it('refuses unknown fields, bad checksums and missing roles with MODEL_MANIFEST_INVALID', () => {
    expect(refusal({ ...valid(), extra: 1 })).toMatch(/extra|Unexpected/);
    const badSha = valid();
    (badSha.files as { encoder: { sha256: string } }).encoder.sha256 = 'xyz';
    expect(refusal(badSha)).toMatch(/sha256/);
    const noCoords = valid();
    const dec = noCoords.decoder as { inputs: { role: string }[] };
    dec.inputs = dec.inputs.filter((i) => i.role !== 'point_coords');
    expect(refusal(noCoords)).toMatch(/point_coords/);
    expect(refusal('not an object')).toMatch(/test/);
  });

  it('refuses a decoder embedding input that no encoder output provides', () => {
    const m = valid();
    const dec = m.decoder as { inputs: { role: string; name: string }[] };
    dec.inputs[0]!.name = 'other_embeddings';
    expect(refusal(m)).toMatch(/not an encoder output/);
  });
});
