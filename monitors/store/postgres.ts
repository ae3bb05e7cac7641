/**
 * PostgreSQL fault store (pg): same schema and semantics as SQLite, for a shared NOC database.
 * Every query has a deadline: a server that stops answering makes calls fail (the daemon counts and
 * retries its writes; `stacks faults` says so and exits) instead of hanging.
 */
import pg from 'pg';
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

export interface PostgresTimeouts {
  /** Waiting for a connection (server gone or not accepting). */
  connectMs: number;
  /** One query, client side (a stopped server never answers). */
  queryMs: number;
}

const DEFAULT_PG_TIMEOUTS: PostgresTimeouts = { connectMs: 5000, queryMs: 10_000 };

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PostgresFaultStore implements FaultStore {
  readonly backend = 'postgres' as const;
  private constructor(private readonly pool: pg.Pool) {}

  static async connect(url: string, timeouts: PostgresTimeouts = DEFAULT_PG_TIMEOUTS): Promise<PostgresFaultStore> {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: timeouts.connectMs, query_timeout: timeouts.queryMs });
    // An idle client losing its server must not crash the daemon; the next query reports it.
    pool.on('error', () => undefined);
    const client = await pool.connect();
    try {
      // Two daemons starting at once must not race on CREATE: serialise schema setup.
      await client.query('SELECT pg_advisory_lock(5150)');
      for (const sql of SCHEMA_STATEMENTS) await client.query(sql.replace('id INTEGER PRIMARY KEY', 'id BIGSERIAL PRIMARY KEY'));
      const cols = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'faults'`,
      );
      const have = new Set(cols.rows.map((r) => r.column_name));
      for (const [name, type] of FAULT_COLUMNS) if (!have.has(name)) await client.query(`ALTER TABLE faults ADD COLUMN IF NOT EXISTS ${name} ${type}`);
      if (!have.has('cleared_at')) await client.query(MIGRATED_BACKFILL);
      for (const sql of INDEX_STATEMENTS) await client.query(sql);
      await client.query('SELECT pg_advisory_unlock(5150)');
    } finally {
      client.release();
    }
    return new PostgresFaultStore(pool);
  }

  private async inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async journalLine(c: Queryable, faultId: number, j: JournalLine): Promise<void> {
    await c.query(`INSERT INTO fault_journal (fault_id, at, actor, action, text) VALUES ($1, $2, $3, $4, $5)`, [faultId, j.at, j.actor, j.action, j.text]);
  }

  async apply(events: readonly FaultEvent[]): Promise<AppliedEvent[]> {
    return this.inTransaction(async (client) => {
      const out: AppliedEvent[] = [];
      for (const event of events) {
        let row: FaultRow | undefined;
        if (event.type === 'open') {
          const ins = await client.query<FaultRow>(
            `INSERT INTO faults (object, kind, opened_at, detail, flapping) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (object, kind) WHERE cleared_at IS NULL DO NOTHING RETURNING *`,
            [event.object, event.kind, event.at, event.detail ?? null, event.flapping ? 1 : 0],
          );
          row = ins.rows[0];
          if (!row) {
            const ex = await client.query<FaultRow>(`SELECT * FROM faults WHERE object = $1 AND kind = $2 AND cleared_at IS NULL`, [event.object, event.kind]);
            out.push({ event, fault: ex.rows[0] ? rowToFault(ex.rows[0]) : undefined, changed: false });
            continue;
          }
        } else if (event.type === 'flapping') {
          row = (
            await client.query<FaultRow>(`UPDATE faults SET flapping = 1 WHERE object = $1 AND kind = $2 AND cleared_at IS NULL AND flapping = 0 RETURNING *`, [
              event.object,
              event.kind,
            ])
          ).rows[0];
        } else {
          row = (
            await client.query<FaultRow>(
              `UPDATE faults SET cleared_at = greatest($1::bigint, opened_at) WHERE object = $2 AND kind = $3 AND cleared_at IS NULL RETURNING *`,
              [event.at, event.object, event.kind],
            )
          ).rows[0];
          if (row && event.autoResolve) {
            row = (
              await client.query<FaultRow>(
                `UPDATE faults SET resolved_at = coalesce(resolved_at, cleared_at), resolved_by = coalesce(resolved_by, $1), resolution = coalesce(resolution, 'condition cleared'),
                   closed_at = coalesce(closed_at, cleared_at), closed_by = coalesce(closed_by, $1) WHERE id = $2 RETURNING *`,
                [DAEMON_ACTOR, row.id],
              )
            ).rows[0];
          }
        }
        if (!row) {
          out.push({ event, fault: undefined, changed: false });
          continue;
        }
        await this.journalLine(client, Number(row.id), eventJournal(event));
        out.push({ event, fault: rowToFault(row), changed: true });
      }
      return out;
    });
  }

  async act(action: LifecycleAction, causes: readonly string[]): Promise<ActResult> {
    return this.inTransaction(async (client): Promise<ActResult> => {
      // FOR UPDATE: two operators resolving at once are decided one after the other.
      const row = (await client.query<FaultRow>(`SELECT * FROM faults WHERE id = $1 FOR UPDATE`, [action.id])).rows[0];
      if (!row) return { ok: false, reason: 'no-fault', message: `no fault ${action.id}` };
      const d = decide(rowToFault(row), action, causes);
      if (!d.ok) return { ok: false, reason: 'refused', field: d.field, message: d.message };
      const cols = Object.keys(d.patch);
      let updated = row;
      if (cols.length) {
        const set = cols.map((c, i) => `${c} = $${i + 1}`).join(', ');
        updated = (await client.query<FaultRow>(`UPDATE faults SET ${set} WHERE id = $${cols.length + 1} RETURNING *`, [...Object.values(d.patch), action.id]))
          .rows[0]!;
      }
      if (d.journal) await this.journalLine(client, action.id, d.journal);
      return { ok: true, fault: rowToFault(updated), changed: d.journal !== null };
    });
  }

  async fault(id: number): Promise<Fault | undefined> {
    const r = await this.pool.query<FaultRow>(`SELECT * FROM faults WHERE id = $1`, [id]);
    return r.rows[0] ? rowToFault(r.rows[0]) : undefined;
  }

  async journal(id: number): Promise<JournalLine[]> {
    const r = await this.pool.query<{ at: string; actor: string; action: string; text: string | null }>(
      `SELECT at, actor, action, text FROM fault_journal WHERE fault_id = $1 ORDER BY at, id`,
      [id],
    );
    return r.rows.map((x) => ({ at: Number(x.at), actor: x.actor, action: x.action, text: x.text }));
  }

  async activeFaults(): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(`SELECT * FROM faults WHERE cleared_at IS NULL ORDER BY opened_at, id`);
    return r.rows.map(rowToFault);
  }

  async listFaults(q: FaultQuery = {}): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(
      `SELECT * FROM faults WHERE (closed_at IS NULL OR (NOT $1::boolean AND closed_at >= $2)) AND ($3::text IS NULL OR kind = $3)
       ORDER BY opened_at DESC, id DESC LIMIT $4`,
      [q.openOnly ?? false, q.since ?? 0, q.kind ?? null, q.limit ?? 1000],
    );
    return r.rows.map(rowToFault);
  }

  async faultsBetween(from: number, to: number): Promise<Fault[]> {
    const r = await this.pool.query<FaultRow>(
      `SELECT * FROM faults WHERE opened_at <= $1 AND (cleared_at IS NULL OR cleared_at >= $2) ORDER BY opened_at, id`,
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
    const r = await this.pool.query<{ object: string; type: string; first_seen: string }>(
      `SELECT object, type, first_seen FROM monitored_objects ORDER BY object`,
    );
    return r.rows.map((row) => ({ object: row.object, type: row.type, firstSeen: Number(row.first_seen) }));
  }

  async beginWatch(at: number): Promise<number> {
    const r = await this.pool.query<{ id: string }>(`INSERT INTO watch_spans (started_at, last_seen) VALUES ($1, $1) RETURNING id`, [at]);
    return Number(r.rows[0]!.id);
  }

  async heartbeat(span: number, at: number): Promise<void> {
    await this.pool.query(`UPDATE watch_spans SET last_seen = greatest(last_seen, $1) WHERE id = $2`, [at, span]);
  }

  async watchSpans(from: number, to: number): Promise<WatchSpan[]> {
    const r = await this.pool.query<{ id: string; started_at: string; last_seen: string }>(
      `SELECT id, started_at, last_seen FROM watch_spans WHERE started_at <= $1 AND last_seen >= $2 ORDER BY started_at, id`,
      [to, from],
    );
    return r.rows.map((x) => ({ id: Number(x.id), from: Math.max(from, Number(x.started_at)), to: Math.min(to, Number(x.last_seen)) }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
