import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APPLIANCE_ERROR_CODES } from '../appliance/errors.ts';

describe('docs/protocol.md error codes', () => {
  it('lists exactly the appliance error codes, with the same meanings', () => {
    const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
    const section = doc.split(/^## Error codes$/m)[1]?.split(/^## /m)[0] ?? '';
    const rows = [...section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(.+?)\s*\|$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(Object.fromEntries(rows)).toEqual(APPLIANCE_ERROR_CODES);
  });
});
