import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEngineError } from '../inference/engine/errors.ts';
import { ModelHost } from '../inference/engine/model-host.ts';
import { ModelPair } from '../inference/engine/model-pair.ts';
import { openModel } from '../inference/engine/model-registry.ts';
import { buildBuiltinModel } from '../models/builtin/build.ts';
import { BUILTIN_PARAMS } from '../models/builtin/params.ts';

const session = { executionProviders: ['cpu'] as const, intraOpThreads: 1 };
const frame = {
  width: 64,
  height: 48,
  channels: 1 as const,
  data: new Uint8Array(64 * 48).fill(90),
};

describe('model switching at run time', () => {
  let dir: string;
  let host: ModelHost;
  beforeAll(async () => {
    // A second, different model: the built-in builder with another smoothness (other checksums).
    dir = mkdtempSync(join(tmpdir(), 'models-'));
    const other = buildBuiltinModel({ ...BUILTIN_PARAMS, smoothness: 1.1 });
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'encoder.onnx'), other.encoder);
    writeFileSync(join(dir, 'other', 'decoder.onnx'), other.decoder);
    writeFileSync(
      join(dir, 'other', 'manifest.json'),
      JSON.stringify({ ...other.manifest, id: 'other' }),
    );
    mkdirSync(join(dir, 'broken'));
    writeFileSync(join(dir, 'broken', 'manifest.json'), '{ not json');
    host = await ModelHost.start('builtin', (id) =>
      id === 'builtin'
        ? openModel(id, session)
        : ModelPair.open(join(dir, id, 'manifest.json'), session),
    );
  });
  afterAll(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('switches atomically and results name the model they came from', async () => {
    const before = await host.encode(frame);
    expect(before.modelId).toBe('builtin');
    const info = await host.switchTo('other');
    expect(info.modelId).toBe('other');
    expect(info.modelSha256).not.toBe(before.modelSha256);
    const after = await host.encode(frame);
    expect(after.modelId).toBe('other');
    const result = await host.decode(after, { points: [{ x: 30, y: 20, label: 'positive' }] });
    expect(result.modelId).toBe('other');
    // An embedding of the model switched out is refused, not decoded by the wrong decoder.
    await expect(
      host.decode(before, { points: [{ x: 30, y: 20, label: 'positive' }] }),
    ).rejects.toSatisfy((e) => isEngineError(e, 'EMBEDDING_MISMATCH'));
  });

  it('a failed switch reports MODEL_SWITCH_FAILED and keeps the active model', async () => {
    const active = host.modelId;
    await expect(host.switchTo('broken')).rejects.toSatisfy(
      (e) => isEngineError(e, 'MODEL_SWITCH_FAILED') && /MODEL_MANIFEST_INVALID/.test(e.message),
    );
    expect(host.modelId).toBe(active);
    expect((await host.encode(frame)).modelId).toBe(active);
  });

  it('serialises concurrent switches: the last requested is active at the end', async () => {
    const a = host.switchTo('builtin');
    const b = host.switchTo('other');
    await Promise.all([a, b]);
    expect(host.modelId).toBe('other');
  });
});
