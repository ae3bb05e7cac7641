/** The audit chain in SQLite (better-sqlite3, WAL), file created 0600 in a 0700 folder. */
import Database from 'better-sqlite3';
import { GENESIS, type AuditRecord } from './chain.js';
import { AUDIT_SCHEMA, fromRow, toRow, verifiable, whereOf, type AuditQuery, type AuditRow, type AuditStore } from './store.js';
import { touchPrivateFile } from '../lib/private-files.js';

export class SqliteAuditStore implements AuditStore {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly lastRow: Database.Statement;

  constructor(file: string) {
    // SQLite gives its -wal and -shm files the database file's mode, so 0600 here covers them.
    if (file !== ':memory:') touchPrivateFile(file);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(AUDIT_SCHEMA);
    this.insert = this.db.prepare(`INSERT INTO audit_log VALUES (${Array(13).fill('?').join(', ')})`);
    this.lastRow = this.db.prepare(`SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`);
  }

  async append(make: (seq: number, prev: string) => AuditRecord): Promise<AuditRecord> {
    const tx = this.db.transaction(() => {
      const last = this.lastRow.get() as { seq: number; hash: string } | undefined;
      const record = make(last ? Number(last.seq) + 1 : 1, last?.hash ?? GENESIS);
      this.insert.run(...toRow(record));
      return record;
    });
    return tx.immediate();
  }

  async scan(onPage: (records: Array<AuditRecord & { computedHash: string }>) => boolean | void, pageSize = 5000): Promise<void> {
    // Rows in physical (rowid) order would hide a reordering; seq order is what the chain promises.
    const page: Array<AuditRecord & { computedHash: string }> = [];
    for (const row of this.db.prepare(`SELECT * FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditRow>) {
      page.push(verifiable(row));
      if (page.length >= pageSize) {
        if (onPage(page.splice(0)) === false) return;
      }
    }
    if (page.length) onPage(page);
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const w = whereOf(q, () => '?');
    const rows = this.db.prepare(`SELECT * FROM audit_log ${w.sql} ORDER BY seq DESC LIMIT ?`).all(...w.args, q.limit ?? 100) as AuditRow[];
    return rows.map(fromRow).reverse();
  }

  /** For tests and the bench: run raw SQL (a tamper test edits rows behind the store's back). */
  exec(sql: string, ...args: unknown[]): void {
    this.db.prepare(sql).run(...args);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
