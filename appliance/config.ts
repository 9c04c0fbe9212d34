/**
 * Appliance configuration: parsed once from the environment (the only appliance module that reads
 * it), validated, frozen and passed down. Units are in the names.
 *
 *   POCUS_HTTP_HOST           interface the HTTP/WebSocket server listens on   (default 127.0.0.1)
 *   POCUS_HTTP_PORT           its port, 0 = any free port                      (default 8080)
 *   POCUS_DB_PATH             SQLite file (its folder is created)              (default <repo>/var/appliance.db)
 *   POCUS_MAX_MASK_AGE_MS     oldest mask shown as current; longest a frame waits for its masks (default 250)
 *   POCUS_FRAME_ENCODING      tablet frame encoding: jpeg, png or raw          (default jpeg)
 *   POCUS_JPEG_QUALITY        JPEG quality 1..100                              (default 80)
 *   POCUS_CONTROL_TIMEOUT_MS  per-request timeout on the daemon control link  (default 2000)
 *   POCUS_UI_DIR              folder of the built UI (index.html, app.js)      (default <repo>/dist/ui)
 *   POCUS_RUNTIME_DIR, POCUS_{FRAMES,RESULTS,CONTROL}_ENDPOINT: see inference/protocol/endpoints.ts
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEndpoints, type Endpoints } from '../inference/protocol/endpoints.ts';
import { ApplianceError } from './errors.ts';
import type { FrameEncoding } from './live/tablet-protocol.ts';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export interface ApplianceConfig {
  readonly httpHost: string;
  readonly httpPort: number;
  readonly dbPath: string;
  readonly maxMaskAgeMs: number;
  readonly frameEncoding: FrameEncoding;
  readonly jpegQuality: number;
  readonly controlTimeoutMs: number;
  readonly uiDir: string;
  readonly endpoints: Endpoints;
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ApplianceError('CONFIG_INVALID', `${name} must be an integer in ${min}..${max}`);
  }
  return value;
}

function encoding(env: Env): FrameEncoding {
  const value = env.POCUS_FRAME_ENCODING ?? 'jpeg';
  if (value === 'jpeg' || value === 'png' || value === 'raw') return value;
  throw new ApplianceError('CONFIG_INVALID', `POCUS_FRAME_ENCODING must be jpeg, png or raw`);
}

/** Pure: reads only `env`; creates nothing. */
export function parseApplianceConfig(env: Env): ApplianceConfig {
  let endpoints: Endpoints;
  try {
    endpoints = parseEndpoints(env);
  } catch (e) {
    throw new ApplianceError('CONFIG_INVALID', e instanceof Error ? e.message : String(e));
  }
  const host = env.POCUS_HTTP_HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new ApplianceError('CONFIG_INVALID', 'POCUS_HTTP_HOST is empty');
  return Object.freeze({
    httpHost: host,
    httpPort: integer(env, 'POCUS_HTTP_PORT', 8080, 0, 65535),
    dbPath: resolve(env.POCUS_DB_PATH ?? resolve(REPO_ROOT, 'var', 'appliance.db')),
    maxMaskAgeMs: integer(env, 'POCUS_MAX_MASK_AGE_MS', 250, 1, 10_000),
    frameEncoding: encoding(env),
    jpegQuality: integer(env, 'POCUS_JPEG_QUALITY', 80, 1, 100),
    controlTimeoutMs: integer(env, 'POCUS_CONTROL_TIMEOUT_MS', 2000, 10, 60_000),
    uiDir: resolve(env.POCUS_UI_DIR ?? resolve(REPO_ROOT, 'dist', 'ui')),
    endpoints,
  });
}

/** The one place that reads process.env; creates the database folder. */
export function loadApplianceConfig(): ApplianceConfig {
  const config = parseApplianceConfig(process.env);
  mkdirSync(dirname(config.dbPath), { recursive: true });
  return config;
}
