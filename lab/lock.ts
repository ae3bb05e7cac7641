/**
 * One deploy (or destroy, or fault) at a time per lab: an exclusive lock file holding the owner's
 * pid. A lock whose owner is dead is stale (the owner crashed or was killed) and is taken over.
 */
import { openSync, closeSync, writeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runtimeError } from '../lib/errors.js';

export interface Lock {
  release(): void;
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(file: string, what: string): Lock {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
        process.off('exit', release);
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; what?: string; since?: string } = {};
      try {
        owner = JSON.parse(readFileSync(file, 'utf8')) as typeof owner;
      } catch {
        // half-written by an owner that died between open and write: stale
      }
      if (owner.pid && owner.pid !== process.pid && ownerAlive(owner.pid)) {
        throw runtimeError('E_LAB_LOCKED', `another ${owner.what ?? 'lab command'} (pid ${owner.pid}, since ${owner.since ?? '?'}) holds ${file}`, 'wait for it to finish; the lock is released when that process exits');
      }
      rmSync(file, { force: true });
    }
  }
  throw runtimeError('E_LAB_LOCKED', `could not take the lab lock ${file}`);
}
