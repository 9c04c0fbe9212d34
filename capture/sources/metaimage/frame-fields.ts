/**
 * Per-frame fields of PLUS sequence files (pure): `Seq_FrameNNNN_<Name>Transform = 16 numbers`
 * (4×4, row-major) with an optional `…TransformStatus` (a transform whose status is not OK is
 * left out), and `Seq_FrameNNNN_Timestamp` (s). One probe transform per frame is chosen by name.
 */
import { CaptureError } from '../../errors.ts';

export interface FrameFields {
  /** Valid transforms of this frame by name, e.g. "ProbeToTrackerTransform" → 16 numbers. */
  readonly transforms: ReadonlyMap<string, readonly number[]>;
  /** The frame's recorded timestamp, s (the tracker's clock), when present. */
  readonly timestampS?: number;
}

/**
 * Which transform is "the probe transform" of a frame, in order of preference: the file's own
 * DefaultFrameTransformName, then image-to-reference, probe-to-reference, probe-to-tracker.
 */
export const PROBE_TRANSFORM_PREFERENCE = [
  'ImageToReferenceTransform',
  'ProbeToReferenceTransform',
  'ProbeToTrackerTransform',
] as const;

const FIELD = /^Seq_Frame(\d+)_([A-Za-z0-9_]+)$/;

/** Per-frame fields by frame index (length frameCount; frames without fields get empty entries). */
export function readFrameFields(
  fields: ReadonlyMap<string, string>,
  frameCount: number,
  what: string,
): FrameFields[] {
  const transforms = Array.from({ length: frameCount }, () => new Map<string, number[]>());
  const statuses = Array.from({ length: frameCount }, () => new Map<string, string>());
  const timestamps = new Array<number | undefined>(frameCount).fill(undefined);
  for (const [key, value] of fields) {
    const m = FIELD.exec(key);
    if (!m?.[1] || !m[2]) continue;
    const index = Number(m[1]);
    const name = m[2];
    if (index >= frameCount) continue;
    if (name.endsWith('TransformStatus')) {
      statuses[index]?.set(name.slice(0, -'Status'.length), value.trim());
    } else if (name.endsWith('Transform')) {
      const matrix = value.split(/\s+/).filter(Boolean).map(Number);
      if (matrix.length !== 16 || matrix.some((x) => !Number.isFinite(x))) {
        throw new CaptureError('SOURCE_INVALID', `${what}: ${key} is not 16 numbers`);
      }
      transforms[index]?.set(name, matrix);
    } else if (name === 'Timestamp') {
      const t = Number(value);
      if (value.trim() !== '' && Number.isFinite(t)) timestamps[index] = t;
    }
  }
  return transforms.map((byName, i) => {
    for (const [name, status] of statuses[i] ?? []) if (status !== 'OK') byName.delete(name);
    const timestampS = timestamps[i];
    return { transforms: byName, ...(timestampS !== undefined && { timestampS }) };
  });
}

/** The frame's probe transform and its name, by PROBE_TRANSFORM_PREFERENCE (see above). */
export function chooseProbeTransform(
  frame: FrameFields,
  defaultName: string | undefined,
): { name: string; matrix: readonly number[] } | undefined {
  const names = [defaultName, ...PROBE_TRANSFORM_PREFERENCE];
  for (const name of names) {
    const matrix = name === undefined ? undefined : frame.transforms.get(name);
    if (name !== undefined && matrix) return { name, matrix };
  }
  return undefined;
}
