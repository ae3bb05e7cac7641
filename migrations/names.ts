/**
 * Service names the migration manages: a hosts-format file (`address name`, the format dnsmasq reads
 * with `addn-hosts` and `ip netns exec` bind-mounts from /etc/netns/<ns>/hosts). Cutover points a
 * name at the target, rollback points it back at the source. Writes are atomic (temp file + rename)
 * and idempotent: setting a name to where it already points changes nothing and says so. Every real
 * change is appended to `<file>.log`, the audit trail of cutovers.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomically } from '../lib/files.js';

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
  async set(name: string, address: string, why: string): Promise<boolean> {
    const records = this.records();
    const before = records.get(name);
    if (before === address) return false;
    records.set(name, address);
    const lines = [...records].sort(([a], [b]) => a.localeCompare(b)).map(([n, a]) => `${a} ${n}`);
    await writeFileAtomically(this.file, ['# managed by stacks migrate: service names of migrated systems', '127.0.0.1 localhost', ...lines.filter((l) => !l.endsWith(' localhost'))].join('\n') + '\n');
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
