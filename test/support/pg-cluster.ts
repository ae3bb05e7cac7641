/** Start and stop the throwaway PostgreSQL cluster of scripts/pg-test-cluster.sh from tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';

// from test/support, or from dist/test/support when a bench (compiled) uses it
const SCRIPT = resolve(import.meta.dirname.replace(/[\\/]dist([\\/]test[\\/]support)$/, '$1'), '../../scripts/pg-test-cluster.sh');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface PgCluster {
  url: string;
  /** The cluster's folder (data/postmaster.pid names the server's pid). */
  dir: string;
  stop(): void;
}

/** `address`: another loopback address (127.0.0.x) for two clusters on one port; `conf`: more settings. */
export async function startPgCluster(opts: { address?: string; port?: number; conf?: Record<string, string | number> } = {}): Promise<PgCluster> {
  // the cluster dir itself must be reachable by the postgres user: no root-only parent in between
  const dir = mkdtempSync(join(tmpdir(), 'stacks-pg-'));
  const port = opts.port ?? (await freePort());
  const extra = Object.entries(opts.conf ?? {})
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const url = execFileSync(SCRIPT, ['start', dir, String(port), ...(opts.address ? [opts.address] : [])], {
    encoding: 'utf8',
    env: { ...process.env, PG_EXTRA_CONF: extra },
  }).trim();
  return { url, dir, stop: () => execFileSync(SCRIPT, ['stop', dir]) };
}
