import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES } from '../inference/engine/errors.ts';

describe('docs/errors.md', () => {
  it('lists exactly the engine error codes, with the same meanings', () => {
    const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(.+?)\s*\|$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(rows)).toEqual(ENGINE_ERROR_CODES);
  });
});
