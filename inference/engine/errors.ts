/**
 * Coded errors of the inference engine. Every code is listed here once, with its meaning;
 * docs/errors.md mirrors this table and a test keeps the two in sync.
 * Expected outcomes (no mask, low score) are return values; these are for refusals and faults.
 */
import { CodedError } from '../protocol/coded-error.ts';

export const ENGINE_ERROR_CODES = {
  CONFIG_INVALID: 'a configuration value is missing, malformed or out of range',
  MODEL_MANIFEST_MISSING: 'the model manifest file does not exist',
  MODEL_MANIFEST_INVALID: 'the model manifest is not valid JSON or breaks the manifest schema',
  MODEL_FILE_MISSING: 'an ONNX file named by the manifest does not exist',
  MODEL_CHECKSUM_MISMATCH: "an ONNX file's sha256 differs from the manifest",
  MODEL_LOAD_FAILED: 'onnxruntime could not load an ONNX file (corrupt or unsupported)',
  MODEL_SIGNATURE_MISMATCH:
    "an ONNX file's input/output names, types or shapes differ from the manifest",
  MODEL_SWITCH_FAILED: 'a model switch failed; the previous model stays active',
  MODEL_BUILD_FAILED: 'the built-in model could not be generated',
  IMAGE_UNSUPPORTED: 'the image format, pixel type or channel count is not supported',
  IMAGE_INVALID: 'the image buffer does not match its declared size',
  PROMPT_INVALID: 'the prompt is empty, malformed or has coordinates outside the image',
  EMBEDDING_MISMATCH: 'the embedding was computed by another model or for another image size',
  INFERENCE_FAILED: 'onnxruntime failed while running a model',
  IMPORT_INVALID: 'a model import was refused (bad arguments or files)',
  EVAL_INPUT_INVALID: 'evaluation inputs are missing, unpaired or unreadable',
} as const;

export type EngineErrorCode = keyof typeof ENGINE_ERROR_CODES;

export class EngineError extends CodedError<EngineErrorCode> {
  override readonly name = 'EngineError';
}

export function isEngineError(e: unknown, code?: EngineErrorCode): e is EngineError {
  return e instanceof EngineError && (code === undefined || e.code === code);
}
