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

export const runbookSchema = z.object({
  ssh: z.object({ user: z.string().default('root'), identity: z.string(), known_hosts: z.string(), port: z.number().int().default(22) }),
  names: z.object({ hosts_file: z.string() }),
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
  rb.names.hosts_file = resolve(base, rb.names.hosts_file);
  return rb;
}

export const stateDirOf = (e: Endpoint) => e.state_dir ?? `${e.data_dir.replace(/\/+$/, '')}.stacks`;
