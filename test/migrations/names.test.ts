/**
 * Service names on a real BIND 9 (lab/name-server.ts) over loopback: RFC 2136 updates signed with the
 * TSIG key from the secret store, idempotent and serialized under concurrency, TTL lowered for the
 * wave and restored, an unsigned or wrongly signed update refused, and an audit trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnsNames } from '../../migrations/names.js';
import { startNameServer, type NameServer } from '../../lab/name-server.js';
import { ensureTsigKey } from '../../lab/secrets.js';
import { run } from '../../lab/shell.js';
import { freePort } from '../support/pg-cluster.js';

const root = process.getuid?.() === 0;
let dir: string;
let server: NameServer;
let names: DnsNames;

describe.skipIf(!root)('service names by dynamic DNS update on BIND 9', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stacks-names-'));
    const key = await ensureTsigKey(join(dir, 'secrets.json'), 'stacks-migrate');
    const port = await freePort();
    server = await startNameServer({
      dir: join(dir, 'named'),
      address: '127.0.0.1',
      port,
      zone: 'gov.sn.cn',
      key,
      records: { 'permits.housing': '10.1.42.10' },
      ttl: 300,
    });
    names = new DnsNames({ server: '127.0.0.1', port, zone: 'gov.sn.cn', key, ttl: 300, waveTtl: 5, log: join(dir, 'names.log'), lockDir: dir });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('points names by signed updates, idempotently, with every concurrent change kept and audited', async () => {
    expect(await names.lookup('permits.housing.gov.sn.cn')).toBe('10.1.42.10');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => names.set(`s${i}.gov.sn.cn`, `10.0.0.${i}`, `cutover s${i}`)));
    expect(results.every(Boolean)).toBe(true);
    for (let i = 0; i < 12; i++) expect(await names.lookup(`s${i}.gov.sn.cn`)).toBe(`10.0.0.${i}`);
    expect(await names.set('s3.gov.sn.cn', '10.0.0.3', 'again')).toBe(false);
    expect(await names.set('s3.gov.sn.cn', '10.9.9.9', 'rollback s3')).toBe(true);
    expect(await names.lookup('s3.gov.sn.cn')).toBe('10.9.9.9');
    expect(names.changes('s3.gov.sn.cn').map((c) => c.why)).toEqual(['cutover s3', 'rollback s3']);
    await expect(names.set('evil.example.org', '10.0.0.1', 'x')).rejects.toThrow(/not in the managed zone/);
  });

  it('lowers the TTL for the wave and restores it', async () => {
    const ttl = async () =>
      Number(
        (await run('dig', ['+noall', '+answer', '-p', String(server.port), '@127.0.0.1', 'permits.housing.gov.sn.cn', 'A'])).stdout.trim().split(/\s+/)[1],
      );
    expect(await ttl()).toBe(300);
    expect(await names.lowerTtl('permits.housing.gov.sn.cn')).toBe(5);
    expect(await ttl()).toBe(5);
    expect(await names.restoreTtl('permits.housing.gov.sn.cn')).toBe(300);
    expect(await ttl()).toBe(300);
  });

  it('refuses an update signed with another key, and one not signed at all', async () => {
    const wrong = new DnsNames({ ...names.s, key: { ...names.s.key, secret: Buffer.alloc(32, 7).toString('base64') } });
    await expect(wrong.set('permits.housing.gov.sn.cn', '10.6.6.6', 'hijack')).rejects.toThrow(/dynamic update .* failed/);
    const unsigned = await run('nsupdate', ['-t', '3'], {
      input: `server 127.0.0.1 ${server.port}\nzone gov.sn.cn\nupdate add x.gov.sn.cn 5 A 10.6.6.6\nsend\n`,
      allowFail: true,
    });
    expect(unsigned.code).not.toBe(0);
    expect(unsigned.stdout + unsigned.stderr).toMatch(/REFUSED/);
    expect(await names.lookup('permits.housing.gov.sn.cn')).toBe('10.1.42.10');
  });
});
