/**
 * One PostgreSQL 15 node of the sample service, run as the postgres user inside its centre's
 * namespace. The control plane reaches it through its Unix socket (a file under the service's
 * directory: out-of-band management that works whatever the lab's links do); clients and
 * replication go over the lab's network.
 */
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { exec } from './exec.js';
import { PG_BIN, PG_PORT, PG_USER, DRILL_DB, renderHba, renderPostgresqlConf, synchronousNames, primaryConninfo, type PgNodeConf } from './pg-conf.js';
import type { DrNode, DualAddress } from './layout.js';

export interface NodePaths {
  dir: string;
  data: string;
  socket: string;
  log: string;
}

export function nodePaths(root: string, node: DrNode): NodePaths {
  const dir = join(root, node.centre);
  return { dir, data: join(dir, 'data'), socket: join(dir, 'run'), log: join(dir, 'postgres.log') };
}

let pgIds: { uid: number; gid: number } | undefined;
async function pgUser(): Promise<{ uid: number; gid: number }> {
  pgIds ??= {
    uid: Number((await exec(undefined, ['id', '-u', PG_USER])).stdout.trim()),
    gid: Number((await exec(undefined, ['id', '-g', PG_USER])).stdout.trim()),
  };
  return pgIds;
}

/**
 * A folder of user postgres, 0700 from creation: the node's folder holds its log and its socket
 * folder, and pg_hba trusts every local connection, so only postgres and root (the control plane)
 * may reach the socket.
 */
async function ownedDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { uid, gid } = await pgUser();
  await chown(dir, uid, gid);
}

export interface NodeContext {
  node: DrNode;
  ns: string;
  paths: NodePaths;
  serviceAddress: DualAddress;
  hba: string[];
}

async function writeConf(ctx: NodeContext, sync: string[], primaryHost?: string): Promise<void> {
  const conf: PgNodeConf = { node: ctx.node, serviceAddress: ctx.serviceAddress, socketDir: ctx.paths.socket, synchronousStandbys: sync, primaryHost };
  const { uid, gid } = await pgUser();
  const files: Array<[string, string]> = [
    ['postgresql.conf', renderPostgresqlConf(conf)],
    ['pg_hba.conf', renderHba(ctx.hba)],
    // ALTER SYSTEM settings of the node a standby was cloned from must not carry over
    ['postgresql.auto.conf', '# ALTER SYSTEM settings of this node\n'],
  ];
  for (const [name, text] of files) {
    await writeFile(join(ctx.paths.data, name), text, { mode: 0o600 });
    await chown(join(ctx.paths.data, name), uid, gid);
  }
}

export async function initPrimary(ctx: NodeContext, sync: string[]): Promise<void> {
  await ownedDir(ctx.paths.dir);
  await ownedDir(ctx.paths.socket);
  await exec(undefined, [join(PG_BIN, 'initdb'), '-D', ctx.paths.data, '-U', PG_USER, '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-instructions'], {
    asPostgres: true,
    timeoutMs: 60_000,
  });
  await writeConf(ctx, sync);
  await start(ctx);
  await query(ctx, 'CREATE TABLE IF NOT EXISTS drill_writes (id bigint NOT NULL, run text NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (run, id))');
}

/** A standby cloned over the lab's network from `primaryHost` (pg_basebackup, streaming WAL). */
export async function cloneStandby(ctx: NodeContext, primaryHost: string): Promise<void> {
  await ownedDir(ctx.paths.dir);
  await ownedDir(ctx.paths.socket);
  await rm(ctx.paths.data, { recursive: true, force: true });
  await exec(
    ctx.ns,
    [join(PG_BIN, 'pg_basebackup'), '-d', primaryConninfo(primaryHost, ctx.node.appName), '-D', ctx.paths.data, '-X', 'stream', '-c', 'fast'],
    { asPostgres: true, timeoutMs: 120_000 },
  );
  await writeConf(ctx, [], primaryHost);
  const { uid, gid } = await pgUser();
  await writeFile(join(ctx.paths.data, 'standby.signal'), '');
  await chown(join(ctx.paths.data, 'standby.signal'), uid, gid);
  await start(ctx);
}

/** Turn a cleanly stopped former primary into a standby of `primaryHost` (no rewind needed after a clean switchover). */
export async function demoteStopped(ctx: NodeContext, primaryHost: string): Promise<void> {
  await writeConf(ctx, [], primaryHost);
  const { uid, gid } = await pgUser();
  await writeFile(join(ctx.paths.data, 'standby.signal'), '');
  await chown(join(ctx.paths.data, 'standby.signal'), uid, gid);
  await start(ctx);
}

export async function start(ctx: NodeContext): Promise<void> {
  await exec(ctx.ns, [join(PG_BIN, 'pg_ctl'), '-D', ctx.paths.data, '-l', ctx.paths.log, '-w', '-t', '60', 'start'], { asPostgres: true, timeoutMs: 90_000 });
}

/** `immediate` is what a centre loss does to the database (no shutdown checkpoint); `fast` is a clean stop. */
export async function stop(ctx: NodeContext, mode: 'immediate' | 'fast'): Promise<void> {
  await exec(ctx.ns, [join(PG_BIN, 'pg_ctl'), '-D', ctx.paths.data, '-m', mode, '-w', '-t', '30', 'stop'], {
    asPostgres: true,
    allowFail: true,
    timeoutMs: 40_000,
  });
}

export async function isRunning(ctx: NodeContext): Promise<boolean> {
  const r = await exec(undefined, [join(PG_BIN, 'pg_ctl'), '-D', ctx.paths.data, 'status'], { asPostgres: true, allowFail: true, timeoutMs: 10_000 });
  return r.code === 0;
}

/**
 * A query over the node's Unix socket (the control plane). The connect timeout is generous: a
 * runbook step failing because a loaded host took 3 s to fork a backend (seen in CI) is a broken
 * drill, while the RTO is measured by the writer, not by these calls.
 */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  ctx: NodeContext,
  sql: string,
  params: unknown[] = [],
  opts: { queryTimeoutMs?: number } = {},
): Promise<R[]> {
  const client = new pg.Client({
    host: ctx.paths.socket,
    port: PG_PORT,
    user: PG_USER,
    database: DRILL_DB,
    connectionTimeoutMillis: 15_000,
    query_timeout: opts.queryTimeoutMs ?? 10_000,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function promote(ctx: NodeContext): Promise<void> {
  // pg_promote waits up to 30 s itself: the query must outlive it
  const rows = await query<{ ok: boolean }>(ctx, 'SELECT pg_promote(true, 30) AS ok', [], { queryTimeoutMs: 40_000 });
  if (!rows[0]?.ok) throw new Error(`${ctx.node.centre}: pg_promote did not finish within 30 s`);
}

export async function setSynchronous(ctx: NodeContext, names: string[]): Promise<void> {
  await query(ctx, `ALTER SYSTEM SET synchronous_standby_names = '${synchronousNames(names)}'`);
  await query(ctx, 'SELECT pg_reload_conf()');
}

export async function followPrimary(ctx: NodeContext, primaryHost: string): Promise<void> {
  await query(ctx, `ALTER SYSTEM SET primary_conninfo = '${primaryConninfo(primaryHost, ctx.node.appName)}'`);
  await query(ctx, 'SELECT pg_reload_conf()');
}

/**
 * Where the promoted node's timeline forked from the old one: the last line of its newest
 * timeline history file ("<parent tli>\t<switch LSN>\t<reason>"). Undefined on a node never
 * promoted (no history file).
 */
export async function timelineSwitchLsn(ctx: NodeContext): Promise<string | undefined> {
  const rows = await query<{ history: string }>(
    ctx,
    `SELECT pg_read_file('pg_wal/' || name) AS history
       FROM pg_ls_dir('pg_wal') AS name WHERE name LIKE '%.history' ORDER BY name DESC LIMIT 1`,
  );
  const last = rows[0]?.history.trim().split('\n').at(-1)?.split('\t');
  return last?.[1];
}

/**
 * Has this standby received WAL past `switchLsn`? Then it holds records the promoted node never
 * had, and it cannot follow the new timeline ("requested timeline is not a child of this
 * server's history"): it has to be re-seeded.
 */
export async function receivedPast(ctx: NodeContext, switchLsn: string): Promise<{ past: boolean; received: string | null }> {
  const [row] = await query<{ received: string | null; past: boolean | null }>(
    ctx,
    'SELECT pg_last_wal_receive_lsn()::text AS received, pg_last_wal_receive_lsn() > $1::pg_lsn AS past',
    [switchLsn],
  );
  return { past: row?.past === true, received: row?.received ?? null };
}

/** Is the service answering on `host` as seen from `ns` (pg_isready over the lab's network)? */
export async function ready(ns: string, host: string, timeoutS = 1): Promise<boolean> {
  const r = await exec(ns, [join(PG_BIN, 'pg_isready'), '-h', host, '-p', String(PG_PORT), '-t', String(timeoutS)], {
    asPostgres: true,
    allowFail: true,
    timeoutMs: (timeoutS + 3) * 1000,
  });
  return r.code === 0;
}
