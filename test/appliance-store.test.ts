import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromptService, MAX_OBJECTS } from '../appliance/prompt-service.ts';
import { PALETTE } from '../appliance/palette.ts';
import { Store, STORE_SCHEMA_VERSION } from '../appliance/store.ts';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pocus-store-'));
  path = join(dir, 'appliance.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tablet = { clientId: 'tab-1', name: 'Dr A' };

describe('appliance store (real SQLite file)', () => {
  it('creates the schema by user_version, in WAL mode, and reopens without migrating twice', () => {
    const store = Store.open(path);
    expect(store.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    store.close();
    const db = new Database(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db
      .prepare<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      )
      .all()
      .map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['prompt_events', 'prompts', 'sessions']));
    db.close();
    const again = Store.open(path);
    expect(again.schemaVersion).toBe(STORE_SCHEMA_VERSION);
    again.close();
  });

  it('refuses a file from a newer appliance', () => {
    const db = new Database(path);
    db.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => Store.open(path)).toThrow(/newer than this appliance/);
  });

  it('keeps the active prompt set across reopen, with who changed what in the audit trail', () => {
    const store = Store.open(path);
    const session = store.startSession(1000, 'test');
    const a = store.addPrompt(
      { points: [{ x: 10, y: 20, label: 'positive' }], color: '#ff0000' },
      tablet,
      1001,
    );
    const b = store.addPrompt(
      { points: [], box: { x0: 1, y0: 2, x1: 30, y1: 40 }, color: '#00ff00' },
      { clientId: 'rest' },
      1002,
    );
    expect([a.objectId, b.objectId]).toEqual(['obj1', 'obj2']);
    expect(a.createdBy).toBe('Dr A (tab-1)');
    const updated = store.updatePrompt(
      'obj1',
      {
        points: [
          { x: 10, y: 20, label: 'positive' },
          { x: 5, y: 5, label: 'negative' },
        ],
      },
      tablet,
      1003,
    );
    expect(updated?.points).toHaveLength(2);
    expect(updated?.updatedAtMs).toBe(1003);
    expect(store.updatePrompt('nope', { points: [] }, tablet, 1004)).toBeUndefined();
    expect(store.removePrompt('obj2', tablet, 1005)).toBe(true);
    expect(store.removePrompt('obj2', tablet, 1006)).toBe(false);
    store.endSession(session, 2000);
    store.close();

    const reopened = Store.open(path);
    expect(reopened.activePrompts().map((p) => p.objectId)).toEqual(['obj1']);
    expect(reopened.prompt('obj1')?.points[1]).toEqual({ x: 5, y: 5, label: 'negative' });
    const events = reopened.promptEvents();
    expect(events.map((e) => [e.action, e.objectId, e.clientId])).toEqual([
      ['remove', 'obj2', 'tab-1'],
      ['update', 'obj1', 'tab-1'],
      ['add', 'obj2', 'rest'],
      ['add', 'obj1', 'tab-1'],
    ]);
    expect(events[0]?.sessionId).toBe(session);
    expect(events[3]?.clientName).toBe('Dr A');
    expect(reopened.sessions()[0]).toMatchObject({
      id: session,
      startedAtMs: 1000,
      endedAtMs: 2000,
    });
    // object ids are never reused, even after removal and reopen
    expect(
      reopened.addPrompt(
        { points: [{ x: 1, y: 1, label: 'positive' }], color: '#fff' },
        tablet,
        3000,
      ).objectId,
    ).toBe('obj3');
    reopened.close();
  });
});

describe('prompt service over the store', () => {
  it('validates against the image, picks free palette colours, and notifies listeners', () => {
    const store = Store.open(path);
    const prompts = new PromptService({ store, imageSize: () => ({ width: 100, height: 80 }) });
    let changes = 0;
    prompts.onChange(() => (changes += 1));
    const outside = prompts.add({ points: [{ x: 101, y: 5, label: 'positive' }] }, tablet);
    expect(outside).toMatchObject({ ok: false, code: 'PROMPT_INVALID' });
    expect(prompts.add({ points: [] }, tablet)).toMatchObject({
      ok: false,
      code: 'PROMPT_INVALID',
    });
    const first = prompts.add({ points: [{ x: 50, y: 40, label: 'positive' }] }, tablet);
    const second = prompts.add({ points: [{ x: 10, y: 10, label: 'positive' }] }, tablet);
    expect(first.ok && first.value.color).toBe(PALETTE[0]);
    expect(second.ok && second.value.color).toBe(PALETTE[1]);
    expect(prompts.remove('obj1', tablet).ok).toBe(true);
    const third = prompts.add({ points: [{ x: 20, y: 20, label: 'positive' }] }, tablet);
    expect(third.ok && third.value).toMatchObject({ objectId: 'obj3', color: PALETTE[0] });
    expect(prompts.addPoint('obj9', { x: 1, y: 1, label: 'negative' }, tablet)).toMatchObject({
      ok: false,
      code: 'UNKNOWN_OBJECT',
    });
    expect(prompts.addPoint('obj2', { x: 1, y: 1, label: 'negative' }, tablet).ok).toBe(true);
    expect(prompts.specs().find((s) => s.objectId === 'obj2')?.points).toHaveLength(2);
    expect(changes).toBe(5);
    for (let i = prompts.list().length; i < MAX_OBJECTS; i++) {
      expect(prompts.add({ points: [{ x: 1, y: 1, label: 'positive' }] }, tablet).ok).toBe(true);
    }
    expect(prompts.add({ points: [{ x: 1, y: 1, label: 'positive' }] }, tablet)).toMatchObject({
      ok: false,
      code: 'PROMPT_LIMIT',
    });
    store.close();
  });
});
