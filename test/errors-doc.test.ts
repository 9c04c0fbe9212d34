import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES } from '../inference/engine/errors.ts';
import { VOLUME_ERROR_CODES } from '../volume/errors.ts';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const [engineSection = '', volumeSection = ''] = doc.split(/^## Volume I\/O$/m);

function rows(section: string): Record<string, string> {
  const pairs = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(.+?)\s*\|$/gm)].map(
    (m): [string, string] => [m[1] ?? '', m[2] ?? ''],
  );
  return Object.fromEntries(pairs);
}

describe('docs/errors.md', () => {
  it('lists exactly the engine error codes, with the same meanings', () => {
    expect(rows(engineSection)).toEqual(ENGINE_ERROR_CODES);
  });

  it('lists exactly the volume error codes, with the same meanings, under "## Volume I/O"', () => {
    expect(rows(volumeSection)).toEqual(VOLUME_ERROR_CODES);
  });
});
