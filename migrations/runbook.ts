/**
 * The runbook: how to reach each system of a wave — its source host (the department server), its
 * target host (the VM on the cloud), where its data lives, and the service name and port clients
 * use. SSH identity and pinned host keys, and the managed service-name file, are shared by all.
 */
import { z } from 'zod';
import { dirname, resolve } from 'node:path';
import { readDocument } from '../lib/files.js';
import { validateDocument } from '../inventory/load.js';

const endpoint = z.object({
  /** Address for SSH and for the service (the host's address on the extranet). */
  host: z.string().min(1),
  data_dir: z.string().startsWith('/'),
  /** Where the runbook keeps the service's pid file and log on that host (default `<data_dir>.stacks`). */
  state_dir: z.string().startsWith('/').optional(),
  /** This host's own start command, when it differs from the service's. */
  start: z.string().optional(),
});

const replication = z
  .object({
    /** Incremental rounds at least (after the initial sync), and at most before giving up on convergence. */
    min_rounds: z.number().int().min(1).default(1),
    max_rounds: z.number().int().min(1).default(30),
    interval_s: z.number().nonnegative().default(2),
    /** The lag (bytes behind) at which a system is ready for cutover. */
    converge_bytes: z
      .number()
      .int()
      .nonnegative()
      .default(1024 * 1024),
    /** Lab runs shape links at 1/rate_scale of the real speed; the throttle is scaled alike. */
    rate_scale: z.number().positive().default(1),
  })
  .strict();
export type ReplicationSettings = z.infer<typeof replication>;

export const runbookSchema = z.object({
  ssh: z.object({ user: z.string().default('root'), identity: z.string(), known_hosts: z.string(), port: z.number().int().default(22) }),
  /** The authoritative name server the cutover updates (RFC 2136 + TSIG). */
  names: z
    .object({
      server: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(53),
      zone: z.string().min(1),
      /** Name of the TSIG key in the secret store. */
      tsig_key: z.string().min(1),
      /** The secret store file holding the key (lab/secrets.ts). */
      secrets: z.string(),
      ttl: z.number().int().positive().default(300),
      wave_ttl: z.number().int().positive().default(5),
    })
    .strict(),
  replication: replication.prefault({}),
  systems: z.record(
    z.string(),
    z.object({
      source: endpoint,
      target: endpoint,
      service: z.object({
        name: z.string().min(1),
        port: z.number().int().min(1).max(65535),
        /** Start command; `{port}`, `{address}`, `{data_dir}` are filled in. */
        start: z.string().default('python3 -m http.server {port} --bind {address} --directory {data_dir}'),
      }),
      /** A replatform: the container the Kubernetes stack runs instead of the host. */
      container: z
        .object({ image: z.string().min(1), port: z.number().int().min(1).max(65535), env: z.record(z.string(), z.string()).default({}) })
        .strict()
        .optional(),
      /** A PostgreSQL system: migrated by logical replication (steps-pg.ts), not by file copy. */
      database: z
        .object({
          kind: z.literal('postgresql'),
          /** libpq URLs as the control node reaches each server (the subscription uses `target_reaches_source`). */
          source_url: z.string().min(1),
          target_url: z.string().min(1),
          /** How the target's server reaches the source's (the subscription's connection string, no password). */
          source_conninfo: z.string().min(1),
        })
        .strict()
        .optional(),
    }),
  ),
});
export type Runbook = z.infer<typeof runbookSchema>;
export type RunbookSystem = Runbook['systems'][string];
export type Endpoint = z.infer<typeof endpoint>;

export async function loadRunbook(file: string): Promise<Runbook> {
  const rb = validateDocument(runbookSchema, await readDocument(file), file);
  const base = dirname(resolve(file));
  rb.ssh.identity = resolve(base, rb.ssh.identity);
  rb.ssh.known_hosts = resolve(base, rb.ssh.known_hosts);
  rb.names.secrets = resolve(base, rb.names.secrets);
  return rb;
}

export const stateDirOf = (e: Endpoint) => e.state_dir ?? `${e.data_dir.replace(/\/+$/, '')}.stacks`;
