/**
 * I/O adapter (not part of the pure renderers): ask the installed FRR whether a config parses, with
 * `vtysh --dryrun --inputfile FILE`. vtysh -C parses every line with the real command tables of
 * zebra, ospfd and ospf6d without any daemon running, and exits non-zero naming the first bad line.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const VTYSH = process.env.STACKS_VTYSH ?? '/usr/bin/vtysh';

export interface FrrCheckResult {
  ok: boolean;
  /** vtysh's complaints, e.g. `line 12: % Unknown command[4]: ...`. */
  errors: string[];
}

export async function checkFrrConfig(text: string): Promise<FrrCheckResult> {
  const dir = await mkdtemp(join(tmpdir(), 'stacks-frr-check-'));
  const file = join(dir, 'frr.conf');
  try {
    await writeFile(file, text);
    try {
      await run(VTYSH, ['--dryrun', '--inputfile', file], { timeout: 30_000 });
      return { ok: true, errors: [] };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number | string; message: string };
      if (typeof e.code === 'string') throw err; // vtysh missing or not executable: not a verdict on the config
      const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`;
      const errors = output.split('\n').map((l) => l.trim()).filter(Boolean);
      return { ok: false, errors: errors.length ? errors : [e.message] };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
