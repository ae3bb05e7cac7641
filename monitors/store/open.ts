/** Pick the store: PostgreSQL when a URL is given (flag or STACKS_PG_URL), else SQLite in the state dir. */
import { join } from 'node:path';
import { SqliteFaultStore } from './sqlite.js';
import { PostgresFaultStore } from './postgres.js';
import type { FaultStore } from './store.js';
import { checkUrlEnv, checkUrlOption, connectionError } from '../../lib/pg-url.js';

export async function openFaultStore(opts: { stateDir: string; postgresUrl?: string; sqliteFile?: string }): Promise<FaultStore> {
  // A URL on the command line must not carry a password (ps shows argv); errors show it redacted.
  const url =
    opts.postgresUrl !== undefined
      ? checkUrlOption('--postgres', opts.postgresUrl)
      : process.env.STACKS_PG_URL
        ? checkUrlEnv('STACKS_PG_URL', process.env.STACKS_PG_URL)
        : undefined;
  if (url) {
    try {
      return await PostgresFaultStore.connect(url);
    } catch (err) {
      throw connectionError('the fault store', url, err);
    }
  }
  return new SqliteFaultStore(opts.sqliteFile ?? join(opts.stateDir, 'monitoring', 'faults.sqlite'));
}
