/**
 * The database runbook: a system whose inventory says PostgreSQL moves by logical replication
 * (publication on the source, subscription on the target — PostgreSQL's own, nothing hand-written),
 * with the lag monitored (bytes of WAL the subscription has not confirmed, recorded as replication
 * rounds so `migrate status` and /metrics show it like a file system's), and a cutover at zero lag
 * with writes paused:
 *
 *   pg-prepare    source at wal_level=logical; a publication of all tables; the schema on the target
 *   pg-subscribe  the target's subscription (initial table copy, then streaming)
 *   pg-catch-up   every table copied, lag under the threshold → ready for cutover
 *   pg-freeze     writes paused: the database is read-only for new sessions, running ones are ended
 *                 (their open transactions abort: nothing unacknowledged is claimed) — downtime starts
 *   pg-drain      the subscription confirms the source's last WAL position: zero lag
 *   pg-verify     per table the row count and an md5 of the rows agree; sequences carried over
 *                 (logical replication does not copy them); the subscription is dropped
 *   switch-name   the name points at the target — downtime ends; verify checks through the name
 *
 * Idempotent: every step checks before it creates, so a rerun after kill -9 does no double work.
 */
import pg from 'pg';
import { runtimeError } from '../lib/errors.js';
import { sleep } from '../lab/shell.js';
import { VerifyFailed, type StepContext } from './steps.js';
import type { RoundRow } from './journal.js';

const ident = (id: string) => `stacks_mig_${id.replace(/[^a-z0-9]/g, '_')}`;
const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;

function spec(c: StepContext) {
  const d = c.spec.database;
  if (!d) throw runtimeError('E_RUNBOOK', `${c.id}: the database runbook needs \`database:\` in the runbook`);
  return d;
}

/** One session; the control plane's own sessions stay writable on a frozen source (its DDL must run there). */
async function withClient<T>(url: string, fn: (cl: pg.Client) => Promise<T>): Promise<T> {
  const cl = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, query_timeout: 60_000 });
  cl.on('error', () => undefined);
  try {
    await cl.connect();
    await cl.query('SET default_transaction_read_only = off');
  } catch (err) {
    await cl.end().catch(() => undefined);
    throw runtimeError('E_SSH', `cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`);
  }
  try {
    return await fn(cl);
  } finally {
    await cl.end().catch(() => undefined);
  }
}

/** A URL as it may appear in an error: without its password. */
const redact = (url: string) => url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');

async function userTables(cl: pg.Client): Promise<string[]> {
  const r = await cl.query<{ t: string }>(
    "SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
  );
  return r.rows.map((x) => x.t);
}

export async function pgPrepare(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const pub = ident(c.id);
  const tables = await withClient(d.source_url, async (src) => {
    const wal = (await src.query<{ wal_level: string }>('SHOW wal_level')).rows[0]!.wal_level;
    if (wal !== 'logical')
      throw runtimeError('E_STEP', `${c.id}: the source runs wal_level=${wal}; logical replication needs wal_level=logical (a restart of the source)`);
    const have = await src.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [pub]);
    if (!have.rowCount) await src.query(`CREATE PUBLICATION ${qi(pub)} FOR ALL TABLES`);
    return userTables(src);
  });
  // the schema: each table's columns and primary key (what the subscription needs to apply rows)
  const ddl = await withClient(d.source_url, async (src) => {
    const out: string[] = [];
    // sequences first: the columns' defaults (a bigserial's nextval) name them
    const seqs = await src.query<{ s: string }>(
      "SELECT format('%I.%I', schemaname, sequencename) AS s FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    );
    for (const x of seqs.rows) out.push(`CREATE SEQUENCE IF NOT EXISTS ${x.s}`);
    for (const t of tables) {
      const cols = await src.query<{ def: string }>(
        `SELECT format('%I %s%s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                       CASE WHEN ad.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(ad.adbin, ad.adrelid) ELSE '' END,
                       CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END) AS def
           FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [t],
      );
      const pk = await src.query<{ def: string }>(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'",
        [t],
      );
      out.push(`CREATE TABLE IF NOT EXISTS ${t} (${[...cols.rows.map((x) => x.def), ...pk.rows.map((x) => x.def)].join(', ')})`);
    }
    return out;
  });
  await withClient(d.target_url, async (dst) => {
    for (const stmt of ddl) await dst.query(stmt);
  });
  const ttl = await c.names.lowerTtl(c.spec.service.name, `wave ${c.id}`);
  return { publication: pub, tables, ttl };
}

export async function pgSubscribe(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const name = ident(c.id);
  return withClient(d.target_url, async (dst) => {
    // the subscriber confirms what it applied every wal_receiver_status_interval (default 10 s): at
    // 1 s the drain to zero lag under freeze takes about a second instead of up to ten
    const interval = (await dst.query<{ v: string }>('SHOW wal_receiver_status_interval')).rows[0]!.v;
    if (interval !== '1s') {
      await dst.query("ALTER SYSTEM SET wal_receiver_status_interval = '1s'");
      await dst.query('SELECT pg_reload_conf()');
    }
    const have = await dst.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [name]);
    if (!have.rowCount) {
      // CREATE SUBSCRIPTION takes no bind parameters; the conninfo carries no password (trust or a .pgpass on the target)
      await dst.query(`CREATE SUBSCRIPTION ${qi(name)} CONNECTION '${d.source_conninfo.replace(/'/g, "''")}' PUBLICATION ${qi(name)} WITH (copy_data = true)`);
    }
    return { subscription: name, created: !have.rowCount, status_interval_was: interval };
  });
}

/** WAL bytes the subscription's slot has not confirmed yet (0: the target has everything). */
async function lagBytes(c: StepContext, upTo?: string): Promise<{ bytes: number; lsn: string }> {
  return withClient(spec(c).source_url, async (src) => {
    const r = await src.query<{ lag: string | null; lsn: string }>(
      'SELECT pg_wal_lsn_diff(COALESCE($2::pg_lsn, pg_current_wal_lsn()), confirmed_flush_lsn)::bigint AS lag, pg_current_wal_lsn()::text AS lsn FROM pg_replication_slots WHERE slot_name = $1',
      [ident(c.id), upTo ?? null],
    );
    if (!r.rows[0]) throw runtimeError('E_STEP', `${c.id}: the source has no replication slot ${ident(c.id)} (was the subscription dropped?)`);
    return { bytes: Math.max(0, Number(r.rows[0].lag ?? 0)), lsn: r.rows[0].lsn };
  });
}

function recordLag(c: StepContext, kind: RoundRow['kind'], started: string, bytes: number, tablesLeft: number): RoundRow {
  const n = (c.journal.rounds(c.id).at(-1)?.round ?? -1) + 1;
  const row: RoundRow = {
    system: c.id,
    round: n,
    kind,
    started_at: started,
    finished_at: new Date().toISOString(),
    bytes_sent: 0,
    seconds: (Date.now() - Date.parse(started)) / 1000,
    mbps: 0,
    bytes_behind: bytes,
    files_behind: tablesLeft,
  };
  c.journal.recordRound(row);
  c.metrics?.rounds.inc({ kind });
  return row;
}

export async function pgCatchUp(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const set = c.replication;
  for (let i = 0; i < Math.max(set.max_rounds, 1) * 20; i++) {
    const started = new Date().toISOString();
    const notReady = await withClient(d.target_url, async (dst) =>
      Number(
        (
          await dst.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = $1 AND r.srsubstate <> 'r'",
            [ident(c.id)],
          )
        ).rows[0]!.n,
      ),
    );
    const { bytes } = await lagBytes(c);
    const row = recordLag(c, i === 0 ? 'initial' : 'incremental', started, bytes, notReady);
    if (notReady === 0 && bytes <= set.converge_bytes && i + 1 >= set.min_rounds) return { samples: i + 1, bytes_behind: row.bytes_behind };
    await sleep(set.interval_s * 1000);
  }
  throw runtimeError('E_STEP', `${c.id}: the subscription did not catch up`);
}

/** Pause writes: new sessions are read-only; open ones are ended (their uncommitted work was never acknowledged). */
export async function pgFreeze(c: StepContext): Promise<unknown> {
  const d = spec(c);
  return withClient(d.source_url, async (src) => {
    const db = (await src.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await src.query(`ALTER DATABASE ${qi(db)} SET default_transaction_read_only = on`);
    const ended = await src.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    const lsn = (await src.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    return { read_only: db, sessions_ended: ended.rowCount, freeze_lsn: lsn, frozen_at: new Date().toISOString() };
  });
}

export async function pgDrain(c: StepContext): Promise<unknown> {
  const freezeLsn = (c.recorded('pg-freeze') as { freeze_lsn: string }).freeze_lsn;
  const started = new Date().toISOString();
  for (let i = 0; i < 600; i++) {
    const { bytes } = await lagBytes(c, freezeLsn);
    if (bytes === 0) {
      recordLag(c, 'final', started, 0, 0);
      return { lsn: freezeLsn, waited_ms: Date.now() - Date.parse(started) };
    }
    await sleep(50);
  }
  throw runtimeError('E_STEP', `${c.id}: the subscription did not reach the freeze position ${freezeLsn} within 30 s`);
}

const tableDigest = (t: string) => `SELECT count(*)::bigint AS n, md5(COALESCE(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM ${t} x`;

export async function pgVerify(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const tables = (c.recorded('pg-prepare') as { tables: string[] }).tables;
  const sums: Record<string, { rows: number; md5: string }> = {};
  const seqs: Array<{ s: string; v: string }> = [];
  await withClient(d.source_url, async (src) => {
    for (const t of tables) {
      const r = (await src.query<{ n: string; h: string }>(tableDigest(t))).rows[0]!;
      sums[t] = { rows: Number(r.n), md5: r.h };
    }
    seqs.push(
      ...(
        await src.query<{ s: string; v: string }>(
          "SELECT format('%I.%I', schemaname, sequencename) AS s, last_value::text AS v FROM pg_sequences WHERE last_value IS NOT NULL AND schemaname NOT IN ('pg_catalog', 'information_schema')",
        )
      ).rows,
    );
  });
  await withClient(d.target_url, async (dst) => {
    for (const t of tables) {
      const r = (await dst.query<{ n: string; h: string }>(tableDigest(t))).rows[0]!;
      if (Number(r.n) !== sums[t]!.rows || r.h !== sums[t]!.md5)
        throw runtimeError('E_STEP', `${c.id}: table ${t} differs on the target (${r.n} rows, source ${sums[t]!.rows})`);
    }
    for (const x of seqs) await dst.query('SELECT setval($1::regclass, $2::bigint)', [x.s, x.v]);
    const sub = ident(c.id);
    if ((await dst.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [sub])).rowCount) {
      await dst.query(`ALTER SUBSCRIPTION ${qi(sub)} DISABLE`);
      await dst.query(`DROP SUBSCRIPTION ${qi(sub)}`); // drops its slot on the source too
    }
  });
  return { tables: sums, sequences: seqs.length };
}

/** Through the name: the target answers and holds what the source held at the freeze. */
export async function pgVerifyThroughName(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const addr = await c.names.lookup(c.spec.service.name);
  if (addr !== c.spec.target.host)
    throw new VerifyFailed(`${c.id}: ${c.spec.service.name} resolves to ${addr ?? 'nothing'}, not the target ${c.spec.target.host}`);
  const sums = (c.recorded('pg-verify') as { tables: Record<string, { rows: number; md5: string }> }).tables;
  const url = new URL(d.target_url);
  url.hostname = addr;
  await withClient(url.toString(), async (cl) => {
    for (const [t, s] of Object.entries(sums)) {
      const n = Number((await cl.query<{ n: string }>(`SELECT count(*)::bigint AS n FROM ${t}`)).rows[0]!.n);
      if (n < s.rows) throw new VerifyFailed(`${c.id}: via ${c.spec.service.name} table ${t} has ${n} rows, the source had ${s.rows} at the freeze`);
    }
  });
  return { via: c.spec.service.name, tables: Object.keys(sums).length };
}

export async function pgFinalize(c: StepContext): Promise<unknown> {
  const d = spec(c);
  await withClient(d.source_url, async (src) => {
    const pub = ident(c.id);
    if ((await src.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [pub])).rowCount) await src.query(`DROP PUBLICATION ${qi(pub)}`);
  });
  const ttl = await c.names.restoreTtl(c.spec.service.name, `finalized ${c.id}`);
  return { source: 'read-only, kept for the archive', ttl };
}

/** Undo: the name back at the source, the source writable again. */
export async function pgRollback(c: StepContext): Promise<unknown> {
  const d = spec(c);
  const changed = await c.names.set(c.spec.service.name, c.spec.source.host, `rollback ${c.id}`);
  await withClient(d.source_url, async (src) => {
    const db = (await src.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await src.query(`ALTER DATABASE ${qi(db)} SET default_transaction_read_only = off`);
  });
  return { name_changed: changed, source: 'writable' };
}
