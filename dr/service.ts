/**
 * The protected sample service: a PostgreSQL primary in the production centre, a synchronous
 * standby in the same-city centre and an asynchronous one in the remote centre (as the class asks),
 * the service address on the primary's router. Its record (`service.json` in the state dir) lets
 * `stacks dr status` find it and a later command clean it up after a crash.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { deviceNs } from '../lab/names.js';
import { PRIVATE, writeFileAtomically } from '../lib/files.js';
import { runtimeError } from '../lib/errors.js';
import type { DrLayout, DrNode } from './layout.js';
import { attachServer, detachServer, placeServiceAddress } from './lab-centres.js';
import { cloneStandby, initPrimary, isRunning, nodePaths, query, setSynchronous, stop, type NodeContext } from './pg-node.js';
import { sleep } from './exec.js';
import { processesNaming } from '../lib/processes.js';

export interface ServiceRecord {
  lab: string;
  /** Temp dir holding every node's data dir, socket and log (owned by postgres). */
  root: string;
  layout: DrLayout;
  /** Centre id of the current primary. */
  primary: string;
  /** Lab prefixes trusted by pg_hba. */
  hba: string[];
  createdAt: string;
}

export const drDir = (stateDir: string, lab: string) => join(stateDir, 'dr', lab);
const serviceFile = (stateDir: string, lab: string) => join(drDir(stateDir, lab), 'service.json');

export async function readService(stateDir: string, lab: string): Promise<ServiceRecord | undefined> {
  const f = serviceFile(stateDir, lab);
  if (!existsSync(f)) return undefined;
  return JSON.parse(await readFile(f, 'utf8')) as ServiceRecord;
}

export async function saveService(stateDir: string, rec: ServiceRecord): Promise<void> {
  await writeFileAtomically(serviceFile(stateDir, rec.lab), JSON.stringify(rec, null, 2) + '\n', PRIVATE);
}

export function nodeContext(rec: Pick<ServiceRecord, 'lab' | 'root' | 'layout' | 'hba'>, node: DrNode): NodeContext {
  return { node, ns: deviceNs(rec.lab, node.device), paths: nodePaths(rec.root, node), serviceAddress: rec.layout.serviceAddress, hba: rec.hba };
}

export const hostOf = (node: DrNode): string => node.server.ipv4.split('/')[0]!;
export const syncNames = (layout: DrLayout, primary: DrNode): string[] =>
  layout.nodes.filter((n) => n.mode === 'sync' && n.centre !== primary.centre).map((n) => n.appName);

export interface ReplicationRow {
  application_name: string;
  state: string;
  sync_state: string;
  lag_bytes: string | null;
  replay_lag_s: number | null;
  reply_age_s: number | null;
}

export async function replicationRows(ctx: NodeContext): Promise<ReplicationRow[]> {
  return query<ReplicationRow>(
    ctx,
    `SELECT application_name, state, sync_state,
            pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::text AS lag_bytes,
            EXTRACT(epoch FROM replay_lag)::float8 AS replay_lag_s,
            EXTRACT(epoch FROM now() - reply_time)::float8 AS reply_age_s
       FROM pg_stat_replication ORDER BY application_name`,
  );
}

/** Wait until `appName` streams from the primary (and is `sync` when asked). */
export async function waitStreaming(
  primary: NodeContext,
  appName: string,
  opts: { sync?: boolean; caughtUp?: boolean; timeoutMs: number; signal?: AbortSignal },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && !opts.signal?.aborted) {
    const rows = await replicationRows(primary).catch(() => []);
    const r = rows.find((x) => x.application_name === appName);
    const fresh = r && r.reply_age_s !== null && r.reply_age_s < 3;
    if (r && r.state === 'streaming' && fresh && (!opts.sync || r.sync_state === 'sync') && (!opts.caughtUp || r.lag_bytes === '0')) return true;
    await sleep(250, opts.signal);
  }
  return false;
}

export async function bringUpService(stateDir: string, lab: string, layout: DrLayout, hba: string[]): Promise<ServiceRecord> {
  const root = await mkdtemp(`/tmp/stx-dr-${lab}-`);
  // 0711: user postgres must pass through to its nodes' folders, nobody needs to list it
  await chmod(root, 0o711);
  const rec: ServiceRecord = { lab, root, layout, primary: layout.nodes[0]!.centre, hba, createdAt: new Date().toISOString() };
  await saveService(stateDir, rec);
  const production = layout.nodes.find((n) => n.role === 'production')!;
  for (const n of layout.nodes) await attachServer(lab, n);
  const prod = nodeContext(rec, production);
  // Asynchronous at first: a commit waiting for a standby that does not exist yet would hang.
  await initPrimary(prod, []);
  await placeServiceAddress(lab, production, layout.serviceAddress);
  for (const n of layout.nodes) {
    if (n.role === 'production') continue;
    await cloneStandby(nodeContext(rec, n), hostOf(production));
    if (!(await waitStreaming(prod, n.appName, { timeoutMs: 30_000 }))) {
      throw runtimeError('E_DR_SERVICE', `the ${n.role} standby in ${n.centre} does not stream from production`, `see ${nodePaths(root, n).log}`);
    }
  }
  const sync = syncNames(layout, production);
  if (sync.length) {
    await setSynchronous(prod, sync);
    for (const s of sync)
      if (!(await waitStreaming(prod, s, { sync: true, timeoutMs: 15_000 }))) throw runtimeError('E_DR_SERVICE', `standby ${s} did not become synchronous`);
  }
  return rec;
}

/** Stop every node, remove the data and the addresses, forget the record. Safe to repeat. */
export async function teardownService(stateDir: string, rec: ServiceRecord): Promise<void> {
  for (const n of rec.layout.nodes) {
    const ctx = nodeContext(rec, n);
    if (existsSync(ctx.paths.data) && (await isRunning(ctx))) await stop(ctx, 'immediate');
    await detachServer(rec.lab, n, rec.layout.serviceAddress);
  }
  // Anything still naming the service's directory (a pg_basebackup cut short, a crashed node).
  for (const pid of processesNaming(rec.root + '/')) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (rec.root.startsWith('/tmp/stx-dr-')) await rm(rec.root, { recursive: true, force: true });
  await rm(serviceFile(stateDir, rec.lab), { force: true });
}
