/**
 * PostgreSQL configuration of one node of the sample service. Pure: the node, its role and the
 * service address in, the text of postgresql.conf / pg_hba.conf out.
 *
 * Replication timers are short so that a lost peer is noticed within seconds (the lab's RTO is
 * the point of the drill): the primary drops a silent walsender after 3 s, standbys report their
 * position every second and retry a lost primary every second.
 */
import type { DrNode, DualAddress } from './layout.js';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const PG_PORT = 5432;
export const PG_USER = 'postgres';
export const DRILL_DB = 'postgres';

export interface PgNodeConf {
  node: DrNode;
  serviceAddress: DualAddress;
  socketDir: string;
  /** Only on a primary: standbys whose flush it waits for. */
  synchronousStandbys: string[];
  /** Only on a standby: where it streams from. */
  primaryHost?: string;
}

const strip = (cidr: string) => cidr.split('/')[0]!;

/** `FIRST 1 (a)` for one synchronous standby; empty (asynchronous only) for none. */
export function synchronousNames(names: readonly string[]): string {
  return names.length === 0 ? '' : `FIRST ${names.length} (${names.join(', ')})`;
}

export function primaryConninfo(host: string, appName: string): string {
  return `host=${host} port=${PG_PORT} user=${PG_USER} application_name=${appName} connect_timeout=2`;
}

export function renderPostgresqlConf(c: PgNodeConf): string {
  // The service address is listened on everywhere (ip_nonlocal_bind in the namespace) but answered
  // only where it is configured: where the router advertises it into OSPF.
  const listen = [strip(c.node.server.ipv4), strip(c.node.server.ipv6), strip(c.serviceAddress.ipv4), strip(c.serviceAddress.ipv6)];
  const lines = [
    `# stacks dr: ${c.node.role} node in ${c.node.centre} (${c.node.device}); rendered, do not edit`,
    `listen_addresses = '${listen.join(',')}'`,
    `port = ${PG_PORT}`,
    `unix_socket_directories = '${c.socketDir}'`,
    'max_connections = 40',
    'shared_buffers = 16MB',
    'wal_level = replica',
    'wal_log_hints = on',
    'max_wal_senders = 10',
    'max_replication_slots = 10',
    'wal_keep_size = 256MB',
    'hot_standby = on',
    'synchronous_commit = on',
    `synchronous_standby_names = '${synchronousNames(c.synchronousStandbys)}'`,
    'wal_sender_timeout = 3s',
    'wal_receiver_timeout = 3s',
    'wal_receiver_status_interval = 1s',
    'wal_retrieve_retry_interval = 1s',
    "recovery_target_timeline = 'latest'",
    'logging_collector = off',
    "log_line_prefix = '%m [%p] '",
    'log_min_messages = warning',
  ];
  if (c.primaryHost) lines.push(`primary_conninfo = '${primaryConninfo(c.primaryHost, c.node.appName)}'`);
  return lines.join('\n') + '\n';
}

/**
 * Lab only: trust inside the lab's own address space (the namespaces this host created), peer-less
 * local socket access for the control plane. No password exists, so none can leak.
 */
export function renderHba(labPrefixes: readonly string[]): string {
  const lines = ['# stacks dr sample service (lab only)', 'local all all trust', 'local replication all trust'];
  for (const p of labPrefixes) lines.push(`host all all ${p} trust`, `host replication all ${p} trust`);
  return lines.join('\n') + '\n';
}
