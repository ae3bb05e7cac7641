/** PostgreSQL fault store (pg): same schema and semantics as SQLite, for a shared NOC database. */
import pg from 'pg';
import { SCHEMA_STATEMENTS, rowToFault, type AppliedEvent, type FaultQuery, type FaultRow, type FaultStore, type MonitoredObject } from './store.js';
import type { Fault } from '../types.js';
import type { FaultEvent } from '../faults/tracker.js';

export class PostgresFaultStore implements FaultStore {
  readonly backend = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string): Promise<PostgresFaultStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // An idle client losing its server must not crash the daemon; the next query reports it.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      // Two daemons starting at once must not race on CREATE: serialise schema setup.
      await client.query('SELECT pg_advisory_lock(5150)');
      for (const sql of SCHEMA_STATEMENTS) await client.query(sql.replace('id INTEGER PRIMARY KEY', 'id BIGSERIAL PRIMARY KEY'));
      await client.query('SELECT pg_advisory_unlock(5150)');
    } finally {
      client.release();
    }
    return new PostgresFaultStore(pool);
  }

  async apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out: AppliedEvent[] = [];
      for (const event of events) {
        if (event.type === 'open') {
          const ins = await client.query<FaultRow>(
            `INSERT INTO faults (object, kind, opened_at, detail) VALUES ($1, $2, $3, $4)
             ON CONFLICT (object, kind) WHERE closed_at IS NULL DO NOTHING RETURNING *`,
            [event.object, event.kind, event.at, event.detail ?? null],
          );
          if (ins.rows[0]) out.push({ event, fault: rowToFault(ins.rows[0]), changed: true });
          else {
            const ex = await client.query<FaultRow>(`SELECT * FROM faults WHERE object = $1 AND kind = $2 AND closed_at IS NULL`, [event.object, event.kind]);
            out.push({ event, fault: ex.rows[0] ? rowToFault(ex.rows[0]) : undefined, changed: false });
          }
        } else {
          const up = await client.query<FaultRow>(
            `UPDATE faults SET closed_at = greatest($1::bigint, opened_at) WHERE object = $2 AND kind = $3 AND closed_at IS NULL RETURNING *`,
            [event.at, event.object, event.kind],
          );
          out.push({ event, fault: up.rows[0] ? rowToFault(up.rows[0]) : undefined, changed: up.rows.length > 0 });
        }
      }
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async acknowledge(id: number, at: number, by: string): Promise<Fault | undefined> {
    const r = await this.pool.query<FaultRow>(
      `UPDATE faults SET acknowledged_at = coalesce(acknowledged_at, $1), acknowledged_by = coalesce(acknowledged_by, $2) WHERE id = $3 RETURNING *`,
      [at, by, id],
    );
    return r.rows[0] ? rowToFault(r.rows[0]) : undefined;
  }

  async closeById(id: number, at: number): Promise<Fault | undefined> {
    await this.pool.query(`UPDATE faults SET closed_at = greatest($1::bigint, opened_at) WHERE id = $2 AND closed_at IS NULL`, [at, id]);
    const r = await this.pool.query<FaultRow>(`SELECT * FROM faults WHERE id = $1`, [id]);
    return r.rows[0] ? rowToFault(r.rows[0]) : undefined;
  }

  async openFaults(): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(`SELECT * FROM faults WHERE closed_at IS NULL ORDER BY opened_at, id`);
    return r.rows.map(rowToFault);
  }

  async listFaults(q: FaultQuery = {}): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(
      `SELECT * FROM faults WHERE (closed_at IS NULL OR closed_at >= $1) AND ($2::text IS NULL OR kind = $2)
       ORDER BY opened_at DESC, id DESC LIMIT $3`,
      [q.since ?? 0, q.kind ?? null, q.limit ?? 1000],
    );
    return r.rows.map(rowToFault);
  }

  async faultsBetween(from: number, to: number): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(
      `SELECT * FROM faults WHERE opened_at <= $1 AND (closed_at IS NULL OR closed_at >= $2) ORDER BY opened_at, id`,
      [to, from],
    );
    return r.rows.map(rowToFault);
  }

  async registerObjects(objects: ReadonlyArray<{ object: string; type: string }>, at: number): Promise<void> {
    if (objects.length === 0) return;
    await this.pool.query(
      `INSERT INTO monitored_objects (object, type, first_seen)
       SELECT o, t, $3 FROM unnest($1::text[], $2::text[]) AS u(o, t) ON CONFLICT (object) DO NOTHING`,
      [objects.map((o) => o.object), objects.map((o) => o.type), at],
    );
  }

  async objects(): Promise<MonitoredObject[]> {
    const r = await this.pool.query<{ object: string; type: string; first_seen: string }>(`SELECT object, type, first_seen FROM monitored_objects ORDER BY object`);
    return r.rows.map((row) => ({ object: row.object, type: row.type, firstSeen: Number(row.first_seen) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
