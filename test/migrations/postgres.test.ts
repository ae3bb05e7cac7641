/**
 * A PostgreSQL system moves by logical replication (root for BIND; runs in CI): two real clusters of
 * the project's test support on two loopback addresses and one port, a real BIND 9 serving the
 * service's name, and a writer that keeps inserting through the name while the wave runs. After the
 * cutover every acknowledged insert is on the target, the lag was visible while it replicated, and the
 * downtime (no acknowledged write) is measured and printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster, freePort, type PgCluster } from '../support/pg-cluster.js';
import { startNameServer, type NameServer } from '../../lab/name-server.js';
import { ensureKeyPair, ensureTsigKey } from '../../lab/secrets.js';
import { DnsNames } from '../../migrations/names.js';
import { loadPlanningInputs } from '../../migrations/inputs.js';
import { buildPlan } from '../../migrations/plan.js';
import { journalPath, planPath, runWave } from '../../migrations/execute.js';
import { Journal } from '../../migrations/journal.js';
import { readStatusInputs } from '../../migrations/metrics.js';
import { migrationStatus } from '../../migrations/status.js';
import { stableJson, writeFileAtomically } from '../../lib/files.js';
import { sleep } from '../../lab/shell.js';
import type { Runbook } from '../../migrations/runbook.js';
import type { MigrationSystem } from '../../migrations/schema.js';

const root = process.getuid?.() === 0;
const NAME = 'ledger.finance.gov.sn.cn';
let dir: string;
let source: PgCluster;
let target: PgCluster;
let server: NameServer;
let names: DnsNames;
let port: number;

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

describe.skipIf(!root)('a PostgreSQL system by logical replication, cut over at zero lag with writes paused', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stacks-migpg-'));
    port = await freePort();
    source = await startPgCluster({ address: '127.0.0.2', port, conf: { wal_level: 'logical' } });
    target = await startPgCluster({ address: '127.0.0.3', port });
    await sql(source.url, 'CREATE TABLE ledger (id bigserial PRIMARY KEY, n integer NOT NULL, note text)');
    await sql(source.url, "INSERT INTO ledger (n, note) SELECT -g, repeat('x', 200) FROM generate_series(1, 20000) g");
    const key = await ensureTsigKey(join(dir, 'secrets.json'), 'stacks-migrate');
    const dnsPort = await freePort();
    server = await startNameServer({
      dir: join(dir, 'named'),
      address: '127.0.0.1',
      port: dnsPort,
      zone: 'gov.sn.cn',
      key,
      records: { [NAME]: '127.0.0.2' },
      ttl: 300,
    });
    names = new DnsNames({
      server: '127.0.0.1',
      port: dnsPort,
      zone: 'gov.sn.cn',
      key,
      ttl: 300,
      waveTtl: 5,
      log: join(dir, 'state', 'migrations', 'names.log'),
      lockDir: join(dir, 'state', 'migrations'),
    });
  });
  afterAll(async () => {
    await server?.stop();
    source?.stop();
    target?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write through the cutover and measures the downtime', async () => {
    const state = join(dir, 'state');
    const inputs = await loadPlanningInputs(join(import.meta.dirname, '../../inventory'), { count: 1 });
    const sys: MigrationSystem = {
      id: 'finance-ledger',
      name: 'finance-ledger',
      department: 'finance',
      level: 'province',
      classification: 'internal',
      location: { kind: 'department-room', site: 'dept.finance' },
      dependsOn: [],
      dataGiB: 1,
      vcpu: 2,
      ramGiB: 4,
      protectionClass: inputs.registry.classes.at(-1)!.id,
      platform: 'x86-vm',
      database: 'postgresql',
      lifecycle: 'active',
    };
    const plan = buildPlan([sys], inputs.registry, { file: 'test' });
    expect(plan.waves[0]!.systems[0]!.database).toBe('postgresql');
    await writeFileAtomically(planPath(state), stableJson(plan));
    const identity = join(dir, 'id_ed25519');
    await ensureKeyPair(identity, 'unused: a database system needs no SSH');
    await writeFile(join(dir, 'known_hosts'), '');
    const runbook: Runbook = {
      ssh: { user: 'root', identity, known_hosts: join(dir, 'known_hosts'), port: 22 },
      names: {
        server: '127.0.0.1',
        port: names.s.port,
        zone: 'gov.sn.cn',
        tsig_key: 'stacks-migrate',
        secrets: join(dir, 'secrets.json'),
        ttl: 300,
        wave_ttl: 5,
      },
      replication: { min_rounds: 3, max_rounds: 30, interval_s: 0.3, converge_bytes: 64 * 1024, rate_scale: 1 },
      systems: {
        'finance-ledger': {
          source: { host: '127.0.0.2', data_dir: '/var/lib/postgresql' },
          target: { host: '127.0.0.3', data_dir: '/var/lib/postgresql' },
          service: { name: NAME, port, start: 'postgres' },
          database: {
            kind: 'postgresql',
            source_url: source.url,
            target_url: target.url,
            source_conninfo: `host=127.0.0.2 port=${port} user=stacks dbname=postgres`,
          },
        },
      },
    };

    // the writer: one insert at a time through the name; an insert counts once its COMMIT returned
    const acked: Array<{ n: number; at: number }> = [];
    let writing = true;
    let lagSeen = false;
    const writer = (async () => {
      let client: pg.Client | undefined;
      for (let n = 1; writing; n++) {
        try {
          if (!client) {
            const host = await names.lookup(NAME);
            client = new pg.Client({ host, port, user: 'stacks', database: 'postgres', connectionTimeoutMillis: 1000 });
            client.on('error', () => undefined);
            await client.connect();
          }
          await client.query('INSERT INTO ledger (n) VALUES ($1)', [n]);
          acked.push({ n, at: Date.now() });
        } catch {
          await client?.end().catch(() => undefined);
          client = undefined;
          await sleep(20);
        }
        await sleep(5);
      }
      await client?.end().catch(() => undefined);
    })();
    const watcher = (async () => {
      while (writing) {
        const inputs = readStatusInputs(state);
        const x = inputs && migrationStatus(inputs.plan, inputs.rows, inputs.rounds).waves[0]!.systems[0];
        if (x?.lag && x.state === 'replicating') lagSeen = true;
        await sleep(100);
      }
    })();
    await sleep(500);
    const result = await runWave({ stateDir: state, plan, wave: 1, runbook, concurrency: 1, retries: 1, backoffMs: 100 });
    await sleep(1000);
    writing = false;
    await writer;
    await watcher;
    expect(result.systems[0], JSON.stringify(result)).toMatchObject({ id: 'finance-ledger', state: 'finalized' });
    expect(lagSeen).toBe(true);

    // 0 acknowledged writes lost: each acked n is on the target, which the name now points at
    expect(await names.lookup(NAME)).toBe('127.0.0.3');
    const onTarget = new Set((await sql<{ n: number }>(target.url, 'SELECT n FROM ledger WHERE n > 0')).map((r) => r.n));
    const lost = acked.filter((a) => !onTarget.has(a.n));
    expect(acked.length).toBeGreaterThan(50);
    expect(lost).toEqual([]);
    expect((await sql<{ c: string }>(target.url, 'SELECT count(*) AS c FROM ledger WHERE n < 0'))[0]!.c).toBe('20000');
    // writes after the cutover landed on the target (sequences carried over: no key clashes)
    const last = acked.at(-1)!;
    expect(onTarget.has(last.n)).toBe(true);

    const j = new Journal(journalPath(state), { readonly: true });
    const steps = Object.fromEntries(j.steps('finance-ledger').map((s) => [s.step, JSON.parse(s.detail ?? '{}')]));
    const rounds = j.rounds('finance-ledger');
    j.close();
    expect(rounds.at(-1)).toMatchObject({ kind: 'final', bytes_behind: 0 });
    let gap = 0;
    for (let i = 1; i < acked.length; i++) gap = Math.max(gap, acked[i]!.at - acked[i - 1]!.at);
    const downtime = steps['switch-name'].downtime_seconds as number;
    console.log(
      `finance-ledger (PostgreSQL): ${acked.length} acknowledged writes, 0 lost; downtime ${downtime.toFixed(2)} s (freeze → name switched), longest gap between acknowledged writes ${(gap / 1000).toFixed(2)} s`,
    );
    expect(downtime).toBeLessThan(10);
    // the source is read-only now: a write there is refused
    await expect(sql(source.url.replace('127.0.0.2', '127.0.0.2'), 'INSERT INTO ledger (n) VALUES (0)')).rejects.toThrow(/read-only/);
  }, 180_000);
});
