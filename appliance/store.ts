/**
 * The appliance's SQLite store (better-sqlite3, WAL): all SQL lives here. The `prompts` table is
 * the authoritative active prompt set; every change is audited in `prompt_events` in the same
 * transaction. Schema migrations are numbered by `PRAGMA user_version` and run at open.
 */
import Database from 'better-sqlite3';
import type { PromptBox, PromptPoint } from './live/tablet-protocol.ts';

/** Who made a change: the WebSocket client id (or `rest`) and an optional human name. */
export interface Actor {
  readonly clientId: string;
  readonly name?: string;
}

export interface StoredPrompt {
  readonly objectId: string;
  /** Creation number; never reused (AUTOINCREMENT). */
  readonly serial: number;
  readonly points: readonly PromptPoint[];
  readonly box?: PromptBox;
  readonly color: string;
  readonly createdBy: string;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export type PromptAction = 'add' | 'update' | 'remove';

export interface PromptEvent {
  readonly id: number;
  readonly atMs: number;
  readonly clientId: string;
  readonly clientName: string | null;
  readonly action: PromptAction;
  readonly objectId: string;
  readonly payload: unknown;
  readonly sessionId: number | null;
}

export interface SessionRecord {
  readonly id: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number | null;
  readonly note: string | null;
}

/** Migration k (1-based) brings user_version from k-1 to k. Append only; never edit one shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     started_at_ms INTEGER NOT NULL,
     ended_at_ms   INTEGER,
     note          TEXT
   );
   CREATE TABLE prompts (
     serial        INTEGER PRIMARY KEY AUTOINCREMENT,
     object_id     TEXT NOT NULL UNIQUE,
     points_json   TEXT NOT NULL,
     box_json      TEXT,
     color         TEXT NOT NULL,
     created_by    TEXT NOT NULL,
     created_at_ms INTEGER NOT NULL,
     updated_at_ms INTEGER NOT NULL
   );
   CREATE TABLE prompt_events (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     at_ms        INTEGER NOT NULL,
     client_id    TEXT NOT NULL,
     client_name  TEXT,
     action       TEXT NOT NULL CHECK (action IN ('add', 'update', 'remove')),
     object_id    TEXT NOT NULL,
     payload_json TEXT NOT NULL,
     session_id   INTEGER REFERENCES sessions(id)
   );
   CREATE INDEX prompt_events_object ON prompt_events(object_id);`,
];

export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

interface PromptRow {
  serial: number;
  object_id: string;
  points_json: string;
  box_json: string | null;
  color: string;
  created_by: string;
  created_at_ms: number;
  updated_at_ms: number;
}

interface EventRow {
  id: number;
  at_ms: number;
  client_id: string;
  client_name: string | null;
  action: PromptAction;
  object_id: string;
  payload_json: string;
  session_id: number | null;
}

interface SessionRow {
  id: number;
  started_at_ms: number;
  ended_at_ms: number | null;
  note: string | null;
}

function toPrompt(row: PromptRow): StoredPrompt {
  const box = row.box_json === null ? undefined : (JSON.parse(row.box_json) as PromptBox);
  return {
    objectId: row.object_id,
    serial: row.serial,
    points: JSON.parse(row.points_json) as PromptPoint[],
    ...(box === undefined ? {} : { box }),
    color: row.color,
    createdBy: row.created_by,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
  };
}

function describe(who: Actor): string {
  return who.name ? `${who.name} (${who.clientId})` : who.clientId;
}

export class Store {
  private sessionId: number | null = null;

  private constructor(private readonly db: Database) {}

  /** Opens (creating) the file, switches to WAL and migrates to STORE_SCHEMA_VERSION. */
  static open(path: string): Store {
    const db = new Database(path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const store = new Store(db);
    store.migrate();
    return store;
  }

  get schemaVersion(): number {
    return Number(this.db.pragma('user_version', { simple: true }));
  }

  get path(): string {
    return this.db.name;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > MIGRATIONS.length) {
      throw new Error(
        `store ${this.db.name} has schema ${from}, newer than this appliance (${MIGRATIONS.length})`,
      );
    }
    for (let k = from + 1; k <= MIGRATIONS.length; k++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[k - 1] ?? '');
        this.db.pragma(`user_version = ${k}`);
      })();
    }
  }

  // ---- sessions ------------------------------------------------------------------------------

  /** Starts a session; later prompt events are attributed to it. */
  startSession(atMs: number, note?: string): number {
    const r = this.db
      .prepare('INSERT INTO sessions (started_at_ms, note) VALUES (?, ?)')
      .run(atMs, note ?? null);
    this.sessionId = Number(r.lastInsertRowid);
    return this.sessionId;
  }

  endSession(id: number, atMs: number): void {
    this.db.prepare('UPDATE sessions SET ended_at_ms = ? WHERE id = ?').run(atMs, id);
    if (this.sessionId === id) this.sessionId = null;
  }

  sessions(limit = 50): SessionRecord[] {
    return this.db
      .prepare<SessionRow>('SELECT * FROM sessions ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({
        id: r.id,
        startedAtMs: r.started_at_ms,
        endedAtMs: r.ended_at_ms,
        note: r.note,
      }));
  }

  // ---- prompts -------------------------------------------------------------------------------

  activePrompts(): StoredPrompt[] {
    return this.db.prepare<PromptRow>('SELECT * FROM prompts ORDER BY serial').all().map(toPrompt);
  }

  prompt(objectId: string): StoredPrompt | undefined {
    const row = this.db
      .prepare<PromptRow>('SELECT * FROM prompts WHERE object_id = ?')
      .get(objectId);
    return row === undefined ? undefined : toPrompt(row);
  }

  /** The serial the next added prompt will get (its object id is `obj<serial>`). */
  nextSerial(): number {
    const row = this.db
      .prepare<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'prompts'")
      .get();
    return (row?.seq ?? 0) + 1;
  }

  addPrompt(
    input: { points: readonly PromptPoint[]; box?: PromptBox; color: string },
    who: Actor,
    atMs: number,
  ): StoredPrompt {
    return this.db.transaction(() => {
      const serial = this.nextSerial();
      const objectId = `obj${serial}`;
      this.db
        .prepare(
          `INSERT INTO prompts (serial, object_id, points_json, box_json, color, created_by,
                                created_at_ms, updated_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          serial,
          objectId,
          JSON.stringify(input.points),
          input.box === undefined ? null : JSON.stringify(input.box),
          input.color,
          describe(who),
          atMs,
          atMs,
        );
      this.audit('add', objectId, input, who, atMs);
      const added = this.prompt(objectId);
      if (added === undefined) throw new Error(`store: ${objectId} vanished after insert`);
      return added;
    })();
  }

  /** Replaces an object's points (and box); undefined when no such active object. */
  updatePrompt(
    objectId: string,
    input: { points: readonly PromptPoint[]; box?: PromptBox },
    who: Actor,
    atMs: number,
  ): StoredPrompt | undefined {
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          'UPDATE prompts SET points_json = ?, box_json = ?, updated_at_ms = ? WHERE object_id = ?',
        )
        .run(
          JSON.stringify(input.points),
          input.box === undefined ? null : JSON.stringify(input.box),
          atMs,
          objectId,
        );
      if (r.changes === 0) return undefined;
      this.audit('update', objectId, input, who, atMs);
      return this.prompt(objectId);
    })();
  }

  /** Removes an active object; false when there was none. */
  removePrompt(objectId: string, who: Actor, atMs: number): boolean {
    return this.db.transaction(() => {
      const removed = this.prompt(objectId);
      if (removed === undefined) return false;
      this.db.prepare('DELETE FROM prompts WHERE object_id = ?').run(objectId);
      this.audit('remove', objectId, { points: removed.points, box: removed.box }, who, atMs);
      return true;
    })();
  }

  /** Newest first. */
  promptEvents(limit = 100): PromptEvent[] {
    return this.db
      .prepare<EventRow>('SELECT * FROM prompt_events ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({
        id: r.id,
        atMs: r.at_ms,
        clientId: r.client_id,
        clientName: r.client_name,
        action: r.action,
        objectId: r.object_id,
        payload: JSON.parse(r.payload_json) as unknown,
        sessionId: r.session_id,
      }));
  }

  private audit(
    action: PromptAction,
    objectId: string,
    payload: unknown,
    who: Actor,
    atMs: number,
  ): void {
    this.db
      .prepare(
        `INSERT INTO prompt_events (at_ms, client_id, client_name, action, object_id, payload_json,
                                    session_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        atMs,
        who.clientId,
        who.name ?? null,
        action,
        objectId,
        JSON.stringify(payload),
        this.sessionId,
      );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
