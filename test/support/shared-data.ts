/**
 * Gate for tests that need the real files in ../shared/data: on a developer's machine without them
 * the suite is skipped with a loud message; under CI=true (where .ci/run provides them) it fails.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA_DIR = resolve(
  fileURLToPath(new URL('../../../shared/data', import.meta.url)),
);

/** Returns the absolute path of `relative` under shared data, or null (after warning) when absent. */
export function sharedDataPath(relative: string): string | null {
  const path = resolve(SHARED_DATA_DIR, relative);
  if (existsSync(path)) return path;
  const message = `REAL-DATA TEST NOT RUN: ${path} is missing (the real-data suite needs ../shared/data)`;
  if (process.env.CI === 'true') throw new Error(`${message}; under CI=true this is a failure`);
  console.warn(`\n*** ${message}; skipping. ***\n`);
  return null;
}
