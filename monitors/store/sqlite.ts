/**
 * SQLite fault store (better-sqlite3, WAL). WAL with synchronous=NORMAL survives a killed process
 * (kill -9) without losing committed transactions; only a power cut may drop the last ones.
 */
import Database from 'better-sqlite3';
import { touchPrivateFile } from '../../lib/private-files.js';
import {
  DAEMON_ACTOR,
  FAULT_COLUMNS,
  INDEX_STATEMENTS,
  MIGRATED_BACKFILL,
  SCHEMA_STATEMENTS,
  eventJournal,
  rowToFault,
  type ActResult,
  type AppliedEvent,
  type FaultQuery,
  type FaultRow,
  type FaultStore,
  type MonitoredObject,
  type WatchSpan,
} from './store.js';
import type { Fault } from '../types.js';
import type { FaultEvent } from '../faults/tracker.js';
import { decide, type JournalLine, type LifecycleAction } from '../faults/lifecycle.js';

export class SqliteFaultStore implements FaultStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') touchPrivateFile(file); // 0600 from creation; SQLite gives -wal/-shm the same mode
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.transaction(() => {
      for (const sql of SCHEMA_STATEMENTS) this.db.exec(sql.replace('id INTEGER PRIMARY KEY', 'id INTEGER PRIMARY KEY AUTOINCREMENT'));
      const have = new Set((this.db.prepare(`PRAGMA table_info(faults)`).all() as Array<{ name: string }>).map((c) => c.name));
      for (const [name, type] of FAULT_COLUMNS) if (!have.has(name)) this.db.exec(`ALTER TABLE faults ADD COLUMN ${name} ${type}`);
      if (!have.has('cleared_at')) this.db.exec(MIGRATED_BACKFILL);
      for (const sql of INDEX_STATEMENTS) this.db.exec(sql);
    })();
  }

  private journalLine(faultId: number, j: JournalLine): void {
    this.db.prepare(`INSERT INTO fault_journal (fault_id, at, actor, action, text) VALUES (?, ?, ?, ?, ?)`).run(faultId, j.at, j.actor, j.action, j.text);
  }

  async apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]> {
    const insert = this.db.prepare(
      `INSERT INTO faults (object, kind, opened_at, detail, flapping) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (object, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING *`,
    );
    const findActive = this.db.prepare(`SELECT * FROM faults WHERE object = ? AND kind = ? AND cleared_at IS NULL`);
    const flapping = this.db.prepare(`UPDATE faults SET flapping = 1 WHERE object = ? AND kind = ? AND cleared_at IS NULL AND flapping = 0 RETURNING *`);
    const clear = this.db.prepare(`UPDATE faults SET cleared_at = max(?, opened_at) WHERE object = ? AND kind = ? AND cleared_at IS NULL RETURNING *`);
    const autoResolve = this.db.prepare(
      `UPDATE faults SET resolved_at = coalesce(resolved_at, cleared_at), resolved_by = coalesce(resolved_by, ?), resolution = coalesce(resolution, 'condition cleared'),
         closed_at = coalesce(closed_at, cleared_at), closed_by = coalesce(closed_by, ?) WHERE id = ? RETURNING *`,
    );
    const run = this.db.transaction((evs: readonly FaultEvent[]) =>
      evs.map((event): AppliedEvent => {
        let row: FaultRow | undefined;
        if (event.type === 'open') {
          row = insert.get(event.object, event.kind, event.at, event.detail ?? null, event.flapping ? 1 : 0) as FaultRow | undefined;
          if (!row) {
            const existing = findActive.get(event.object, event.kind) as FaultRow | undefined;
            return { event, fault: existing ? rowToFault(existing) : undefined, changed: false };
          }
        } else if (event.type === 'flapping') {
          row = flapping.get(event.object, event.kind) as FaultRow | undefined;
        } else {
          row = clear.get(event.at, event.object, event.kind) as FaultRow | undefined;
          if (row && event.autoResolve) row = autoResolve.get(DAEMON_ACTOR, DAEMON_ACTOR, row.id) as FaultRow;
        }
        if (!row) return { event, fault: undefined, changed: false };
        this.journalLine(Number(row.id), eventJournal(event));
        return { event, fault: rowToFault(row), changed: true };
      }),
    );
    return run(events);
  }

  async act(action: LifecycleAction, causes: readonly string[]): Promise<ActResult> {
    const run = this.db.transaction((): ActResult => {
      const row = this.db.prepare(`SELECT * FROM faults WHERE id = ?`).get(action.id) as FaultRow | undefined;
      if (!row) return { ok: false, reason: 'no-fault', message: `no fault ${action.id}` };
      const d = decide(rowToFault(row), action, causes);
      if (!d.ok) return { ok: false, reason: 'refused', field: d.field, message: d.message };
      const cols = Object.keys(d.patch);
      let updated = row;
      if (cols.length) {
        updated = this.db
          .prepare(`UPDATE faults SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ? RETURNING *`)
          .get(...Object.values(d.patch), action.id) as FaultRow;
      }
      if (d.journal) this.journalLine(action.id, d.journal);
      return { ok: true, fault: rowToFault(updated), changed: d.journal !== null };
    });
    return run.immediate();
  }

  async fault(id: number): Promise<Fault | undefined> {
    const row = this.db.prepare(`SELECT * FROM faults WHERE id = ?`).get(id) as FaultRow | undefined;
    return row ? rowToFault(row) : undefined;
  }

  async journal(id: number): Promise<JournalLine[]> {
    const rows = this.db.prepare(`SELECT at, actor, action, text FROM fault_journal WHERE fault_id = ? ORDER BY at, id`).all(id) as Array<{
      at: number;
      actor: string;
      action: string;
      text: string | null;
    }>;
    return rows.map((r) => ({ at: Number(r.at), actor: r.actor, action: r.action, text: r.text }));
  }

  async activeFaults(): Promise<Fault[]> {
    return (this.db.prepare(`SELECT * FROM faults WHERE cleared_at IS NULL ORDER BY opened_at, id`).all() as FaultRow[]).map(rowToFault);
  }

  async listFaults(q: FaultQuery = {}): Promise<Fault[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM faults WHERE (closed_at IS NULL OR (? = 0 AND closed_at >= ?)) AND (? IS NULL OR kind = ?)
         ORDER BY opened_at DESC, id DESC LIMIT ?`,
      )
      .all(q.openOnly ? 1 : 0, q.since ?? 0, q.kind ?? null, q.kind ?? null, q.limit ?? 1000) as FaultRow[];
    return rows.map(rowToFault);
  }

  async faultsBetween(from: number, to: number): Promise<Fault[]> {
    const rows = this.db
      .prepare(`SELECT * FROM faults WHERE opened_at <= ? AND (cleared_at IS NULL OR cleared_at >= ?) ORDER BY opened_at, id`)
      .all(to, from) as FaultRow[];
    return rows.map(rowToFault);
  }

  async registerObjects(objects: ReadonlyArray<{ object: string; type: string }>, at: number): Promise<void> {
    const ins = this.db.prepare(`INSERT INTO monitored_objects (object, type, first_seen) VALUES (?, ?, ?) ON CONFLICT (object) DO NOTHING`);
    this.db.transaction(() => {
      for (const o of objects) ins.run(o.object, o.type, at);
    })();
  }

  async objects(): Promise<MonitoredObject[]> {
    const rows = this.db.prepare(`SELECT object, type, first_seen FROM monitored_objects ORDER BY object`).all() as Array<{
      object: string;
      type: string;
      first_seen: number;
    }>;
    return rows.map((r) => ({ object: r.object, type: r.type, firstSeen: Number(r.first_seen) }));
  }

  async beginWatch(at: number): Promise<number> {
    return Number(this.db.prepare(`INSERT INTO watch_spans (started_at, last_seen) VALUES (?, ?)`).run(at, at).lastInsertRowid);
  }

  async heartbeat(span: number, at: number): Promise<void> {
    this.db.prepare(`UPDATE watch_spans SET last_seen = max(last_seen, ?) WHERE id = ?`).run(at, span);
  }

  async watchSpans(from: number, to: number): Promise<WatchSpan[]> {
    const rows = this.db
      .prepare(`SELECT id, started_at, last_seen FROM watch_spans WHERE started_at <= ? AND last_seen >= ? ORDER BY started_at, id`)
      .all(to, from) as Array<{ id: number; started_at: number; last_seen: number }>;
    return rows.map((r) => ({ id: Number(r.id), from: Math.max(from, Number(r.started_at)), to: Math.min(to, Number(r.last_seen)) }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
