/**
 * Service names the migration manages, on a real authoritative name server (BIND 9 in the lab,
 * lab/name-server.ts; any RFC 2136 server in production): cutover points a name's A/AAAA record at
 * the target, rollback points it back at the source, by dynamic update (RFC 2136) signed with a TSIG
 * key (RFC 8945) from the secret store. `nsupdate` (Debian bind9-dnsutils) sends the update: the
 * key travels on its stdin (`key` command), never on a command line or in a file of ours.
 *
 * During a wave a moving name's TTL is lowered (`wave_ttl`, seconds) so that resolvers follow the
 * cutover within seconds; finalize puts it back (`ttl`). Updates of one name are serialized by the
 * existing lock functions (one lock file per record); setting a name to where it already points
 * changes nothing and says so. Every real change is appended to the audit log (`log`).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { acquireLock, type Lock } from '../lab/lock.js';
import { runtimeError, StacksError } from '../lib/errors.js';
import { run, sleep } from '../lab/shell.js';

export interface ServiceNames {
  /**
   * Point `name` at `address`; whether anything changed. `resumed`: an earlier attempt of this same
   * change may have updated the server and been killed before its audit line was written.
   */
  set(name: string, address: string, why: string, opts?: { resumed?: boolean }): Promise<boolean>;
  /** The address the authoritative server gives for `name` now. */
  lookup(name: string): Promise<string | undefined>;
  /** Lower the record's TTL for the wave (no-op when already low or absent). */
  lowerTtl(name: string, why: string): Promise<number | null>;
  restoreTtl(name: string, why: string): Promise<number | null>;
  /** Delete the name (a retired system); whether it existed. */
  remove(name: string, why: string): Promise<boolean>;
  /** The audit trail of `name`. */
  changes(name: string): Array<{ from: string; to: string; why: string }>;
}

export interface DnsSettings {
  server: string;
  port: number;
  zone: string;
  /** TSIG key name and secret (base64), from the secret store. */
  key: { name: string; algorithm: 'hmac-sha256'; secret: string };
  ttl: number;
  waveTtl: number;
  /** Audit log of changes (one line per change). */
  log: string;
  /** Where the per-record lock files live. */
  lockDir: string;
}

const queues = new Map<string, Promise<unknown>>();

async function lockRecord(file: string): Promise<Lock> {
  for (let i = 0; ; i++) {
    try {
      return acquireLock(file, 'service-name update');
    } catch (err) {
      if (!(err instanceof StacksError) || err.code !== 'E_LAB_LOCKED' || i > 500) throw err;
      await sleep(20);
    }
  }
}

export class DnsNames implements ServiceNames {
  private readonly resolver: Resolver;
  constructor(readonly s: DnsSettings) {
    this.resolver = new Resolver({ timeout: 2000, tries: 2 });
    this.resolver.setServers([s.server.includes(':') ? `[${s.server}]:${s.port}` : `${s.server}:${s.port}`]);
  }

  private fqdn(name: string): string {
    const n = name.replace(/\.$/, '');
    if (n !== this.s.zone && !n.endsWith(`.${this.s.zone}`))
      throw runtimeError('E_NAME', `${name} is not in the managed zone ${this.s.zone}`, 'service names of a runbook must be in names.zone');
    return n;
  }

  private async record(name: string): Promise<{ address: string; ttl: number; type: 'A' | 'AAAA' } | undefined> {
    for (const type of ['A', 'AAAA'] as const) {
      try {
        const r = type === 'A' ? await this.resolver.resolve4(name, { ttl: true }) : await this.resolver.resolve6(name, { ttl: true });
        if (r[0]) return { address: r[0].address, ttl: r[0].ttl, type };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENODATA' && code !== 'ENOTFOUND')
          throw runtimeError('E_SSH', `name server ${this.s.server}:${this.s.port} did not answer for ${name}: ${code}`);
      }
    }
    return undefined;
  }

  async lookup(name: string): Promise<string | undefined> {
    return (await this.record(this.fqdn(name)))?.address;
  }

  /** One RFC 2136 update, signed: `lines` are nsupdate `update …` commands. */
  private async update(lines: string[]): Promise<void> {
    const input = [
      `server ${this.s.server} ${this.s.port}`,
      `zone ${this.s.zone}`,
      `key ${this.s.key.algorithm}:${this.s.key.name} ${this.s.key.secret}`,
      ...lines,
      'send',
      '',
    ].join('\n');
    const r = await run('nsupdate', ['-t', '5'], { input, allowFail: true });
    if (r.code !== 0) {
      // nsupdate echoes no key material on errors; keep only its first lines anyway
      const why = (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join('; ');
      throw runtimeError(
        /timed out|connection refused|communications error/i.test(why) ? 'E_SSH' : 'E_NAME_UPDATE',
        `dynamic update of ${this.s.zone} on ${this.s.server}:${this.s.port} failed: ${why}`,
      );
    }
  }

  private serial<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = (queues.get(name) ?? Promise.resolve()).then(async () => {
      const lock = await lockRecord(join(this.s.lockDir, `name-${createHash('sha1').update(name).digest('hex').slice(0, 16)}.lock`));
      try {
        return await fn();
      } finally {
        lock.release();
      }
    });
    queues.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  async set(name: string, address: string, why: string, opts: { resumed?: boolean } = {}): Promise<boolean> {
    const fq = this.fqdn(name);
    return this.serial(fq, async () => {
      const before = await this.record(fq);
      if (before?.address === address) {
        // Check, then act: the server has it already. A run killed (kill -9) between the update and
        // its audit line left the server switched and the trail silent; a resumed attempt writes the
        // missing line once (the trail then ends at this address), so the trail says what the server did.
        if (opts.resumed && this.changes(fq).at(-1)?.to !== address) {
          this.audit(fq, '?', address, `${why} (by an attempt killed before recording it)`);
          return true;
        }
        return false;
      }
      const type = isIP(address) === 6 ? 'AAAA' : 'A';
      const ttl = before?.ttl ?? this.s.waveTtl;
      await this.update([`update delete ${fq} A`, `update delete ${fq} AAAA`, `update add ${fq} ${ttl} ${type} ${address}`]);
      this.audit(fq, before?.address ?? '-', address, why);
      return true;
    });
  }

  private async retime(name: string, ttl: number): Promise<number | null> {
    const fq = this.fqdn(name);
    return this.serial(fq, async () => {
      const r = await this.record(fq);
      if (!r) return null;
      if (r.ttl !== ttl) await this.update([`update delete ${fq} ${r.type}`, `update add ${fq} ${ttl} ${r.type} ${r.address}`]);
      return ttl;
    });
  }

  lowerTtl(name: string): Promise<number | null> {
    return this.retime(name, this.s.waveTtl);
  }

  restoreTtl(name: string): Promise<number | null> {
    return this.retime(name, this.s.ttl);
  }

  async remove(name: string, why: string): Promise<boolean> {
    const fq = this.fqdn(name);
    return this.serial(fq, async () => {
      const before = await this.record(fq);
      if (!before) return false;
      await this.update([`update delete ${fq} A`, `update delete ${fq} AAAA`]);
      this.audit(fq, before.address, '-', why);
      return true;
    });
  }

  private audit(name: string, from: string, to: string, why: string): void {
    appendFileSync(this.s.log, `${new Date().toISOString()} ${name} ${from} -> ${to} ${why}\n`, { mode: 0o600 });
  }

  changes(name: string): Array<{ from: string; to: string; why: string }> {
    if (!existsSync(this.s.log)) return [];
    const fq = name.replace(/\.$/, '');
    return readFileSync(this.s.log, 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((p) => p[1] === fq)
      .map((p) => ({ from: p[2]!, to: p[4]!, why: p.slice(5).join(' ') }));
  }
}
