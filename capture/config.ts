/**
 * Capture configuration: parsed once from the environment and command-line overrides (the only
 * capture module that reads them), validated, frozen and passed down. Units are in the names.
 *
 *   POCUS_SOURCE        source spec (docs/capture.md)        --source=SPEC       (default: synthetic)
 *   POCUS_FPS           publishing rate, frames/s, 1..240   --fps=N             (default: 30)
 *   POCUS_FRAME_SIZE    synthetic frame size WxH, 64..4096  --frame-size=WxH    (default: 512x512)
 *   POCUS_PHANTOM_SEED  synthetic phantom seed, integer     --seed=N            (default: 1)
 *   POCUS_PHANTOM_STRUCTURES  phantom structures, 0..60 --structures=N      (default: 5)
 *   POCUS_RING_SECONDS  ring buffer length, s, 0.1..60      --ring-seconds=S    (default: 5)
 *   POCUS_LOOP          replay loops at the end: true|false --loop / --no-loop  (default: true)
 *   POCUS_RUNTIME_DIR, POCUS_FRAMES_ENDPOINT, …  endpoints (inference/protocol/endpoints.ts)
 */
import { parseEndpoints, type Endpoints } from '../inference/protocol/endpoints.ts';
import { CaptureError } from './errors.ts';
import { DEFAULT_PHANTOM_PARAMS } from './phantom/index.ts';

export interface CaptureConfig {
  readonly source: string;
  readonly fps: number;
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly phantomSeed: number;
  /** Hypo-/anechoic structures in the synthetic phantom. */
  readonly phantomStructures: number;
  readonly ringSeconds: number;
  /** Ring slots: ceil(ringSeconds × fps). */
  readonly ringFrames: number;
  readonly loop: boolean;
  readonly endpoints: Endpoints;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Command-line flag → environment variable it overrides. */
const FLAGS: Readonly<Record<string, string>> = {
  source: 'POCUS_SOURCE',
  fps: 'POCUS_FPS',
  'frame-size': 'POCUS_FRAME_SIZE',
  seed: 'POCUS_PHANTOM_SEED',
  structures: 'POCUS_PHANTOM_STRUCTURES',
  'ring-seconds': 'POCUS_RING_SECONDS',
};

function invalid(detail: string): CaptureError {
  return new CaptureError('CONFIG_INVALID', detail);
}

/** Folds `--flag=value`, `--flag value`, `--loop` and `--no-loop` into a copy of `env`. */
function applyArgv(env: Env, argv: readonly string[]): Env {
  const out: Record<string, string | undefined> = { ...env };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m?.[1]) throw invalid(`unexpected argument "${arg}" (flags: --source=SPEC, --fps=N, …)`);
    const flag = m[1];
    if (flag === 'loop' || flag === 'no-loop') {
      if (m[2] !== undefined) throw invalid(`--${flag} takes no value`);
      out.POCUS_LOOP = flag === 'loop' ? 'true' : 'false';
      continue;
    }
    const name = FLAGS[flag];
    if (name === undefined) throw invalid(`unknown flag --${flag}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw invalid(`--${flag} needs a value`);
    out[name] = value;
  }
  return out;
}

function number(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined ? fallback : Number(raw.trim());
  if (raw?.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(`${name}=${raw} must be a number in ${min}..${max}`);
  }
  return value;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  const value = raw === undefined ? fallback : Number(raw.trim());
  if (raw?.trim() === '' || !Number.isSafeInteger(value)) {
    throw invalid(`${name}=${raw} must be an integer`);
  }
  return value;
}

function frameSize(env: Env): { width: number; height: number } {
  const raw = env.POCUS_FRAME_SIZE ?? '512x512';
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(raw);
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || width < 64 || width > 4096 || height < 64 || height > 4096) {
    throw invalid(`POCUS_FRAME_SIZE=${raw} must be WIDTHxHEIGHT with both in 64..4096`);
  }
  return { width, height };
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw invalid(`${name}=${env[name]} must be true or false`);
}

function endpoints(env: Env): Endpoints {
  try {
    return parseEndpoints(env);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw invalid(message.replace(/^CONFIG_INVALID:\s*/, ''));
  }
}

export function parseCaptureConfig(env: Env, argv: readonly string[] = []): CaptureConfig {
  const merged = applyArgv(env, argv);
  const source = (merged.POCUS_SOURCE ?? 'synthetic').trim();
  if (source === '') throw invalid('POCUS_SOURCE is empty');
  const { width, height } = frameSize(merged);
  const fps = number(merged, 'POCUS_FPS', 30, 1, 240);
  const ringSeconds = number(merged, 'POCUS_RING_SECONDS', 5, 0.1, 60);
  const structures = integer(
    merged,
    'POCUS_PHANTOM_STRUCTURES',
    DEFAULT_PHANTOM_PARAMS.structureCount,
  );
  if (structures < 0 || structures > 60) {
    throw invalid(`POCUS_PHANTOM_STRUCTURES=${structures} must be 0..60`);
  }
  return Object.freeze({
    source,
    fps,
    frameWidth: width,
    frameHeight: height,
    phantomSeed: integer(merged, 'POCUS_PHANTOM_SEED', 1),
    phantomStructures: structures,
    ringSeconds,
    ringFrames: Math.max(1, Math.ceil(ringSeconds * fps)),
    loop: bool(merged, 'POCUS_LOOP', true),
    endpoints: endpoints(merged),
  });
}

/** The process's configuration: the environment, then `argv` flags on top. */
export function loadCaptureConfig(argv: readonly string[] = process.argv.slice(2)): CaptureConfig {
  return parseCaptureConfig(process.env, argv);
}
