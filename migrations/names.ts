/**
 * Service names the migration manages: a hosts-format file (`address name`, the format dnsmasq reads
 * with `addn-hosts` and `ip netns exec` bind-mounts from /etc/netns/<ns>/hosts). Cutover points a
 * name at the target, rollback points it back at the source. Writes are atomic (temp file + rename)
 * and idempotent: setting a name to where it already points changes nothing and says so. Every real
 * change is appended to `<file>.log`, the audit trail of cutovers.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { acquireLock, type Lock } from '../lab/lock.js';
import { StacksError } from '../lib/errors.js';
import { sleep } from '../lab/shell.js';

/** Changes of one file are serialized: in this process by a promise chain, across processes by a lock file. */
const queues = new Map<string, Promise<unknown>>();
let tmpCounter = 0;

async function lockFile(file: string): Promise<Lock> {
  for (let i = 0; ; i++) {
    try {
      return acquireLock(`${file}.lock`, 'service-name update');
    } catch (err) {
      if (!(err instanceof StacksError) || err.code !== 'E_LAB_LOCKED' || i > 500) throw err;
      await sleep(20);
    }
  }
}

export class HostsFileNames {
  constructor(readonly file: string) {}

  records(): Map<string, string> {
    const out = new Map<string, string>();
    if (!existsSync(this.file)) return out;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const [addr, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
      if (!addr) continue;
      for (const n of names) out.set(n, addr);
    }
    return out;
  }

  lookup(name: string): string | undefined {
    return this.records().get(name);
  }

  /** Point `name` at `address`; returns whether anything changed. */
  set(name: string, address: string, why: string): Promise<boolean> {
    const run = (queues.get(this.file) ?? Promise.resolve()).then(() => this.setLocked(name, address, why));
    queues.set(this.file, run.catch(() => undefined));
    return run;
  }

  private async setLocked(name: string, address: string, why: string): Promise<boolean> {
    const lock = await lockFile(this.file);
    try {
      return this.write(name, address, why);
    } finally {
      lock.release();
    }
  }

  private write(name: string, address: string, why: string): boolean {
    const records = this.records();
    const before = records.get(name);
    if (before === address) return false;
    records.set(name, address);
    const lines = [...records].sort(([a], [b]) => a.localeCompare(b)).map(([n, a]) => `${a} ${n}`);
    const tmp = join(dirname(this.file), `.${basename(this.file)}.tmp-${process.pid}-${tmpCounter++}`);
    writeFileSync(tmp, ['# managed by stacks migrate: service names of migrated systems', '127.0.0.1 localhost', ...lines.filter((l) => !l.endsWith(' localhost'))].join('\n') + '\n');
    renameSync(tmp, this.file);
    appendFileSync(`${this.file}.log`, `${new Date().toISOString()} ${name} ${before ?? '-'} -> ${address} ${why}\n`);
    return true;
  }

  /** The audit trail: every change of `name` (`[from, to, why]`). */
  changes(name: string): Array<{ from: string; to: string; why: string }> {
    if (!existsSync(`${this.file}.log`)) return [];
    return readFileSync(`${this.file}.log`, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((p) => p[1] === name)
      .map((p) => ({ from: p[2]!, to: p[4]!, why: p.slice(5).join(' ') }));
  }
}
