/**
 * `stacks dr status`: per centre, whether its database runs, as primary or standby, and how far
 * behind the primary it is (pg_stat_replication on the primary; pg_last_wal_receive_lsn /
 * pg_last_wal_replay_lsn on each standby).
 */
import { existsSync } from 'node:fs';
import type { DrRole } from './layout.js';
import { isRunning, query } from './pg-node.js';
import { nodeContext, replicationRows, type ServiceRecord } from './service.js';
import { serviceAddressHolders } from './lab-centres.js';

interface NodeStatus {
  centre: string;
  role: DrRole;
  device: string;
  /** How the class wants it replicated from production. */
  mode: 'primary' | 'sync' | 'async';
  db: 'primary' | 'standby' | 'down';
  /** Primary: its current WAL position. Standby: received and replayed positions. */
  currentLsn?: string;
  receiveLsn?: string | null;
  replayLsn?: string | null;
  /** Seen from the primary (pg_stat_replication). */
  state?: string;
  syncState?: string;
  lagBytes?: number | null;
  replayLagS?: number | null;
  /** Standby: seconds since the last replayed transaction's commit (null when idle or none). */
  replayDelayS?: number | null;
}

export interface ServiceStatus {
  lab: string;
  system: string;
  protectionClass: { id: string; name: string; level: number; rpoS: number; rtoS: number };
  serviceAddress: { ipv4: string; ipv6: string; heldBy: string[] };
  primary: string | null;
  nodes: NodeStatus[];
}

export async function serviceStatus(rec: ServiceRecord): Promise<ServiceStatus> {
  const nodes: NodeStatus[] = [];
  let primaryRows: Awaited<ReturnType<typeof replicationRows>> = [];
  let primary: string | null = null;
  for (const n of rec.layout.nodes) {
    const ctx = nodeContext(rec, n);
    const base: NodeStatus = { centre: n.centre, role: n.role, device: n.device, mode: n.mode ?? 'primary', db: 'down' };
    if (!existsSync(ctx.paths.data) || !(await isRunning(ctx))) {
      nodes.push(base);
      continue;
    }
    try {
      const [r] = await query<{ standby: boolean; current: string | null; recv: string | null; replay: string | null; delay: number | null }>(
        ctx,
        `SELECT pg_is_in_recovery() AS standby,
                CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current,
                pg_last_wal_receive_lsn()::text AS recv, pg_last_wal_replay_lsn()::text AS replay,
                EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS delay`,
      );
      if (r!.standby) nodes.push({ ...base, db: 'standby', receiveLsn: r!.recv, replayLsn: r!.replay, replayDelayS: r!.delay });
      else {
        primary = n.centre;
        primaryRows = await replicationRows(ctx);
        nodes.push({ ...base, db: 'primary', currentLsn: r!.current ?? undefined });
      }
    } catch {
      nodes.push(base);
    }
  }
  for (const s of nodes) {
    const row = primaryRows.find((x) => x.application_name === rec.layout.nodes.find((n) => n.centre === s.centre)!.appName);
    if (row)
      Object.assign(s, {
        state: row.state,
        syncState: row.sync_state,
        lagBytes: row.lag_bytes === null ? null : Number(row.lag_bytes),
        replayLagS: row.replay_lag_s,
      });
    else if (s.db === 'standby') s.state = 'not streaming';
  }
  const cls = rec.layout.protectionClass;
  return {
    lab: rec.lab,
    system: 'drill sample service (PostgreSQL 15)',
    protectionClass: { id: cls.id, name: cls.name, level: cls.level, rpoS: cls.rpoS, rtoS: cls.rtoS },
    serviceAddress: { ...rec.layout.serviceAddress, heldBy: await serviceAddressHolders(rec.lab, rec.layout).catch(() => []) },
    primary,
    nodes,
  };
}

export function renderStatusText(s: ServiceStatus): string {
  const lines = [
    `${s.system}, class ${s.protectionClass.id} (${s.protectionClass.name}, GB/T 20988 level ${s.protectionClass.level}; RTO ≤ ${s.protectionClass.rtoS} s, RPO ≤ ${s.protectionClass.rpoS} s)`,
    `service address ${s.serviceAddress.ipv4} ${s.serviceAddress.ipv6} on ${s.serviceAddress.heldBy.join(', ') || 'no centre'}; primary: ${s.primary ?? 'none'}`,
    '',
    'centre        role        class   db       state          sync   lag(bytes)  replay lag(s)',
  ];
  for (const n of s.nodes) {
    lines.push(
      [
        n.centre.padEnd(13),
        n.role.padEnd(11),
        n.mode.padEnd(7),
        n.db.padEnd(8),
        (n.db === 'primary' ? `at ${n.currentLsn}` : (n.state ?? '-')).padEnd(14),
        (n.syncState ?? '-').padEnd(6),
        String(n.lagBytes ?? '-').padStart(10),
        String(n.replayLagS ?? (n.db === 'standby' ? 0 : '-')).padStart(14),
      ].join(' '),
    );
  }
  return lines.join('\n');
}
