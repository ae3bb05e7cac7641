/**
 * What a running drill changed on the lab, written before it changes it: if the drill dies without
 * its `finally` (SIGKILL, power), the next drill — or `stacks dr restore` — reads this and undoes it.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE, writeFileAtomically } from '../lib/files.js';
import { drDir, readService, teardownService } from './service.js';
import { destroyLab } from '../lab/destroy.js';
import { faultLink } from '../lab/fault.js';
import { setLinks, type LinkEnd } from './lab-centres.js';

export interface Journal {
  pid: number;
  lab: string;
  startedAt: string;
  /** Link ends the drill may have taken down. */
  ends: LinkEnd[];
  /** The lab fault-injection calls to undo: `stacks lab fault link <device> <peer> up`. */
  faults: Array<{ device: string; peer: string }>;
  inventoryDir: string;
  /** The drill deployed the lab itself (and destroys it at the end). */
  deployedLab: boolean;
}

const journalFile = (stateDir: string, lab: string) => join(drDir(stateDir, lab), 'journal.json');

export async function writeJournal(stateDir: string, j: Journal): Promise<void> {
  await writeFileAtomically(journalFile(stateDir, j.lab), JSON.stringify(j, null, 2) + '\n', PRIVATE);
}

async function readJournal(stateDir: string, lab: string): Promise<Journal | undefined> {
  const f = journalFile(stateDir, lab);
  return existsSync(f) ? (JSON.parse(await readFile(f, 'utf8')) as Journal) : undefined;
}

export const clearJournal = (stateDir: string, lab: string) => rm(journalFile(stateDir, lab), { force: true });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Undo a dead drill's changes: links up, sample service gone. Returns what was done (empty: nothing to do). */
/** A drill still running on this lab (its process is alive)? */
export async function runningDrill(stateDir: string, lab: string): Promise<number | undefined> {
  const j = await readJournal(stateDir, lab);
  return j && j.pid !== process.pid && alive(j.pid) ? j.pid : undefined;
}

export async function recoverAbandoned(stateDir: string, lab: string): Promise<string[]> {
  const j = await readJournal(stateDir, lab);
  const done: string[] = [];
  if (j && j.pid !== process.pid && alive(j.pid)) return done;
  if (j) {
    for (const f of j.faults) await faultLink({ stateDir, inventoryDir: j.inventoryDir, lab }, f.device, f.peer, 'up').catch(() => undefined);
    // Whatever the lab's fault records say, every end the drill may have touched comes back up.
    await setLinks(j.ends, 'up');
    done.push(`${j.ends.length} link ends up`);
  }
  const svc = await readService(stateDir, lab);
  if (svc && j) {
    await teardownService(stateDir, svc);
    done.push('sample service removed');
  }
  if (j) await clearJournal(stateDir, lab);
  if (j?.deployedLab) {
    await destroyLab({ stateDir, lab });
    done.push('lab destroyed (the drill had deployed it)');
  }
  return done;
}
