/** Pick the store: PostgreSQL when a URL is given (flag or STACKS_PG_URL), else SQLite in the state dir. */
import { join } from 'node:path';
import { SqliteFaultStore } from './sqlite.js';
import { PostgresFaultStore } from './postgres.js';
import type { FaultStore } from './store.js';

export async function openFaultStore(opts: { stateDir: string; postgresUrl?: string; sqliteFile?: string }): Promise<FaultStore> {
  const url = opts.postgresUrl ?? process.env.STACKS_PG_URL;
  if (url) return PostgresFaultStore.connect(url);
  return new SqliteFaultStore(opts.sqliteFile ?? join(opts.stateDir, 'monitoring', 'faults.sqlite'));
}
