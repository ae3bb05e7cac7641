/** The audit chain in PostgreSQL: the same table, appends serialised by a transaction-scoped advisory lock. */
import pg from 'pg';
import { GENESIS, type AuditRecord } from './chain.js';
import { AUDIT_SCHEMA, fromRow, toRow, verifiable, whereOf, type AuditQuery, type AuditRow, type AuditStore } from './store.js';
import { connectionError } from '../lib/pg-url.js';

const APPEND_LOCK = 5152;

export class PostgresAuditStore implements AuditStore {
  readonly backend = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresAuditStore> {
    const pool = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [APPEND_LOCK]);
        await client.query(AUDIT_SCHEMA);
        await client.query('SELECT pg_advisory_unlock($1)', [APPEND_LOCK]);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw connectionError('the audit store', url, err);
    }
    return new PostgresAuditStore(pool);
  }

  async append(make: (seq: number, prev: string) => AuditRecord): Promise<AuditRecord> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      const last = await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
      const row = last.rows[0];
      const record = make(row ? Number(row.seq) + 1 : 1, row?.hash ?? GENESIS);
      await client.query(
        `INSERT INTO audit_log VALUES (${toRow(record)
          .map((_, i) => `$${i + 1}`)
          .join(', ')})`,
        toRow(record),
      );
      await client.query('COMMIT');
      return record;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async scan(onPage: (records: Array<AuditRecord & { computedHash: string }>) => boolean | void, pageSize = 5000): Promise<void> {
    let after = 0;
    for (;;) {
      const r = await this.pool.query<AuditRow>('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, pageSize]);
      if (!r.rows.length) return;
      const page = r.rows.map(verifiable);
      if (onPage(page) === false) return;
      after = page[page.length - 1]!.seq;
      if (r.rows.length < pageSize) return;
    }
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const w = whereOf(q, (i) => `$${i}`);
    const r = await this.pool.query<AuditRow>(`SELECT * FROM audit_log ${w.sql} ORDER BY seq DESC LIMIT $${w.args.length + 1}`, [...w.args, q.limit ?? 100]);
    return r.rows.map(fromRow).reverse();
  }

  async exec(sql: string, ...args: unknown[]): Promise<void> {
    await this.pool.query(sql, args);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
