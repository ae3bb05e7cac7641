/** Options the monitoring verbs (daemon, faults, kpi) share: which fault store to open. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openFaultStore } from '../../monitors/store/open.js';
import type { FaultStore } from '../../monitors/store/store.js';

export const sqlitePath = (stateDir: string) => join(stateDir, 'monitoring', 'faults.sqlite');

export function withStoreOption(cmd: Command): Command {
  return cmd.option('--postgres <url>', 'PostgreSQL fault store (default: SQLite under the state dir; env STACKS_PG_URL)');
}

/** Open the store for reading; undefined when no SQLite store exists yet (nothing has been monitored). */
export async function openExistingStore(stateDir: string, postgres?: string): Promise<FaultStore | undefined> {
  const url = postgres ?? process.env.STACKS_PG_URL;
  if (!url && !existsSync(sqlitePath(stateDir))) return undefined;
  return openFaultStore({ stateDir, postgresUrl: url, sqliteFile: sqlitePath(stateDir) });
}
