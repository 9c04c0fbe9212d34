/** Compares an ONNX session's real inputs/outputs with the manifest's tensor specs (pure). */
import { EngineError } from './errors.ts';
import type { TensorSpec } from './manifest.ts';
import type { TensorMeta } from './ort-session.ts';

function describe(t: { name: string; dtype: string; shape: readonly (number | string)[] }): string {
  return `${t.name}:${t.dtype}[${t.shape.join(',')}]`;
}

/** Returns the differences, empty when the signature matches. */
export function signatureDifferences(
  kind: 'input' | 'output',
  expected: readonly TensorSpec[],
  actual: readonly TensorMeta[],
): string[] {
  const diffs: string[] = [];
  const byName = new Map(actual.map((a) => [a.name, a]));
  for (const e of expected) {
    const a = byName.get(e.name);
    if (!a) {
      diffs.push(
        `${kind} ${e.name} missing (model has ${actual.map((x) => x.name).join(', ') || 'none'})`,
      );
      continue;
    }
    byName.delete(e.name);
    const rankOk = a.shape.length === e.shape.length;
    const dimsOk =
      rankOk &&
      e.shape.every((d, i) => {
        const ad = a.shape[i];
        return typeof d === 'number' ? ad === d : typeof ad === 'string';
      });
    if (a.dtype !== e.dtype || !dimsOk) {
      diffs.push(`${kind} expected ${describe(e)}, model has ${describe(a)}`);
    }
  }
  for (const extra of byName.values()) diffs.push(`${kind} ${describe(extra)} not in manifest`);
  return diffs;
}

export function checkSignature(
  label: string,
  spec: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] },
  session: { inputs: readonly TensorMeta[]; outputs: readonly TensorMeta[] },
): void {
  const diffs = [
    ...signatureDifferences('input', spec.inputs, session.inputs),
    ...signatureDifferences('output', spec.outputs, session.outputs),
  ];
  if (diffs.length > 0)
    throw new EngineError('MODEL_SIGNATURE_MISMATCH', `${label}: ${diffs.join('; ')}`);
}
