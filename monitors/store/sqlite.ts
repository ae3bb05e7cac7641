/**
 * SQLite fault store (better-sqlite3, WAL). WAL with synchronous=NORMAL survives a killed process
 * (kill -9) without losing committed transactions; only a power cut may drop the last ones.
 */
import Database from 'better-sqlite3';
import { touchPrivateFile } from '../../lib/private-files.js';
import { SCHEMA_STATEMENTS, rowToFault, type AppliedEvent, type FaultQuery, type FaultRow, type FaultStore, type MonitoredObject } from './store.js';
import type { Fault } from '../types.js';
import type { FaultEvent } from '../faults/tracker.js';

export class SqliteFaultStore implements FaultStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') touchPrivateFile(file); // 0600 from creation; SQLite gives -wal/-shm the same mode
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    for (const sql of SCHEMA_STATEMENTS) this.db.exec(sql.replace('id INTEGER PRIMARY KEY', 'id INTEGER PRIMARY KEY AUTOINCREMENT'));
  }

  private readonly insertOpen = () =>
    this.db.prepare(
      `INSERT INTO faults (object, kind, opened_at, detail) VALUES (?, ?, ?, ?)
       ON CONFLICT (object, kind) WHERE closed_at IS NULL DO NOTHING RETURNING *`,
    );

  async apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]> {
    const insert = this.insertOpen();
    const findOpen = this.db.prepare(`SELECT * FROM faults WHERE object = ? AND kind = ? AND closed_at IS NULL`);
    const close = this.db.prepare(
      `UPDATE faults SET closed_at = max(?, opened_at) WHERE object = ? AND kind = ? AND closed_at IS NULL RETURNING *`,
    );
    const run = this.db.transaction((evs: readonly FaultEvent[]) =>
      evs.map((event): AppliedEvent => {
        if (event.type === 'open') {
          const row = insert.get(event.object, event.kind, event.at, event.detail ?? null) as FaultRow | undefined;
          if (row) return { event, fault: rowToFault(row), changed: true };
          const existing = findOpen.get(event.object, event.kind) as FaultRow | undefined;
          return { event, fault: existing ? rowToFault(existing) : undefined, changed: false };
        }
        const row = close.get(event.at, event.object, event.kind) as FaultRow | undefined;
        return { event, fault: row ? rowToFault(row) : undefined, changed: row !== undefined };
      }),
    );
    return run(events);
  }

  async acknowledge(id: number, at: number, by: string): Promise<Fault | undefined> {
    const row = this.db
      .prepare(`UPDATE faults SET acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?) WHERE id = ? RETURNING *`)
      .get(at, by, id) as FaultRow | undefined;
    return row ? rowToFault(row) : undefined;
  }

  async closeById(id: number, at: number): Promise<Fault | undefined> {
    this.db.prepare(`UPDATE faults SET closed_at = max(?, opened_at) WHERE id = ? AND closed_at IS NULL`).run(at, id);
    const row = this.db.prepare(`SELECT * FROM faults WHERE id = ?`).get(id) as FaultRow | undefined;
    return row ? rowToFault(row) : undefined;
  }

  async openFaults(): Promise<Fault[]> {
    return (this.db.prepare(`SELECT * FROM faults WHERE closed_at IS NULL ORDER BY opened_at, id`).all() as FaultRow[]).map(rowToFault);
  }

  async listFaults(q: FaultQuery = {}): Promise<Fault[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM faults WHERE (closed_at IS NULL OR closed_at >= ?) AND (? IS NULL OR kind = ?)
         ORDER BY opened_at DESC, id DESC LIMIT ?`,
      )
      .all(q.since ?? 0, q.kind ?? null, q.kind ?? null, q.limit ?? 1000) as FaultRow[];
    return rows.map(rowToFault);
  }

  async faultsBetween(from: number, to: number): Promise<Fault[]> {
    const rows = this.db
      .prepare(`SELECT * FROM faults WHERE opened_at <= ? AND (closed_at IS NULL OR closed_at >= ?) ORDER BY opened_at, id`)
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
    const rows = this.db.prepare(`SELECT object, type, first_seen FROM monitored_objects ORDER BY object`).all() as Array<{ object: string; type: string; first_seen: number }>;
    return rows.map((r) => ({ object: r.object, type: r.type, firstSeen: Number(r.first_seen) }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
