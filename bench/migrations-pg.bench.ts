/**
 * PostgreSQL cutover downtime (issue 14: ≤ 10 s, 0 acknowledged writes lost). Each run: two real
 * clusters (scripts/pg-test-cluster.sh) on loopback addresses of their own, a real BIND 9 serving the
 * system's name, 20,000 rows on the source, and a writer inserting one row at a time through the name
 * while the database runbook moves the system by logical replication. After the cutover every
 * acknowledged insert must be on the target. Prints per run and the median: the downtime the runbook
 * measures (freeze → name switched) and the longest gap between two acknowledged writes (what the
 * writer saw). BENCH_PG_RUNS runs (default 3). Starts real components: run it under the heavy lock.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster, freePort, type PgCluster } from '../test/support/pg-cluster.js';
import { startNameServer, type NameServer } from '../lab/name-server.js';
import { ensureKeyPair, ensureTsigKey } from '../lab/secrets.js';
import { DnsNames } from '../migrations/names.js';
import { loadPlanningInputs } from '../migrations/inputs.js';
import { buildPlan } from '../migrations/plan.js';
import { journalPath, runWave } from '../migrations/execute.js';
import { Journal } from '../migrations/journal.js';
import { sleep } from '../lab/shell.js';
import type { Runbook } from '../migrations/runbook.js';
import type { MigrationSystem } from '../migrations/schema.js';

const hardStop = setTimeout(() => {
  console.error('migrations-pg bench: over its 10-minute budget, stopping');
  process.exit(1);
}, 10 * 60_000);
hardStop.unref();

// loopback addresses of the bench's own (test/migrations/postgres.test.ts uses 127.0.0.2 and .3)
const SOURCE = '127.0.0.12';
const TARGET = '127.0.0.13';
const NAME = 'ledger.finance.gov.sn.cn';

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

interface RunResult {
  acked: number;
  lost: number;
  downtime: number;
  gap: number;
  state: string;
}

async function once(run: number): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'stacks-bench-pg-'));
  let source: PgCluster | undefined;
  let target: PgCluster | undefined;
  let server: NameServer | undefined;
  try {
    const port = await freePort();
    source = await startPgCluster({ address: SOURCE, port, conf: { wal_level: 'logical' } });
    target = await startPgCluster({ address: TARGET, port });
    await sql(source.url, 'CREATE TABLE ledger (id bigserial PRIMARY KEY, n integer NOT NULL, note text)');
    await sql(source.url, "INSERT INTO ledger (n, note) SELECT -g, repeat('x', 200) FROM generate_series(1, 20000) g");
    const secrets = join(dir, 'secrets.json');
    const key = await ensureTsigKey(secrets, 'stacks-migrate');
    const dnsPort = await freePort();
    server = await startNameServer({
      dir: join(dir, 'named'),
      address: '127.0.0.1',
      port: dnsPort,
      zone: 'gov.sn.cn',
      key,
      records: { [NAME]: SOURCE },
      ttl: 300,
    });
    const state = join(dir, 'state');
    const names = new DnsNames({
      server: '127.0.0.1',
      port: dnsPort,
      zone: 'gov.sn.cn',
      key,
      ttl: 300,
      waveTtl: 5,
      log: join(state, 'migrations', 'names.log'),
      lockDir: join(state, 'migrations'),
    });
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
    const plan = buildPlan([sys], inputs.registry, { file: 'bench' });
    const identity = join(dir, 'id_ed25519');
    await ensureKeyPair(identity, 'unused: a database system needs no SSH');
    await writeFile(join(dir, 'known_hosts'), '');
    const runbook: Runbook = {
      ssh: { user: 'root', identity, known_hosts: join(dir, 'known_hosts'), port: 22 },
      names: { server: '127.0.0.1', port: dnsPort, zone: 'gov.sn.cn', tsig_key: 'stacks-migrate', secrets, ttl: 300, wave_ttl: 5 },
      replication: { min_rounds: 3, max_rounds: 30, interval_s: 0.3, converge_bytes: 64 * 1024, rate_scale: 1 },
      systems: {
        'finance-ledger': {
          source: { host: SOURCE, data_dir: '/var/lib/postgresql' },
          target: { host: TARGET, data_dir: '/var/lib/postgresql' },
          service: { name: NAME, port, start: 'postgres' },
          database: {
            kind: 'postgresql',
            source_url: source.url,
            target_url: target.url,
            source_conninfo: `host=${SOURCE} port=${port} user=stacks dbname=postgres`,
          },
        },
      },
    };
    // the writer: one insert at a time through the name; an insert counts once its COMMIT returned
    const acked: Array<{ n: number; at: number }> = [];
    let writing = true;
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
    await sleep(500);
    const result = await runWave({ stateDir: state, plan, wave: 1, runbook, concurrency: 1, retries: 1, backoffMs: 100 });
    await sleep(1000);
    writing = false;
    await writer;
    const onTarget = new Set((await sql<{ n: number }>(target.url, 'SELECT n FROM ledger WHERE n > 0')).map((r) => r.n));
    const j = new Journal(journalPath(state), { readonly: true });
    const switched = JSON.parse(j.step('finance-ledger', 'switch-name')?.detail ?? '{}') as { downtime_seconds?: number };
    j.close();
    let gap = 0;
    for (let i = 1; i < acked.length; i++) gap = Math.max(gap, acked[i]!.at - acked[i - 1]!.at);
    const r: RunResult = {
      acked: acked.length,
      lost: acked.filter((a) => !onTarget.has(a.n)).length,
      downtime: switched.downtime_seconds ?? Number.NaN,
      gap: gap / 1000,
      state: result.systems[0]?.state ?? 'unknown',
    };
    console.log(
      `postgresql run ${run}: ${r.state}; ${r.acked} acknowledged writes, ${r.lost} lost; downtime ${r.downtime.toFixed(2)} s (freeze → name switched), longest gap between acknowledged writes ${r.gap.toFixed(2)} s`,
    );
    return r;
  } finally {
    await server?.stop();
    source?.stop();
    target?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.getuid?.() !== 0) {
  console.log('postgresql cutover: skipped (needs root: PostgreSQL runs as the postgres user, BIND binds its port)');
} else {
  const runs = Number(process.env.BENCH_PG_RUNS ?? 3);
  const results: RunResult[] = [];
  for (let i = 1; i <= runs; i++) results.push(await once(i));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const lost = results.reduce((n, r) => n + r.lost, 0);
  const acked = results.reduce((n, r) => n + r.acked, 0);
  console.log(
    `postgresql cutover downtime: median ${median(results.map((r) => r.downtime)).toFixed(2)} s over ${runs} runs (target ≤ 10 s), longest writer gap median ${median(results.map((r) => r.gap)).toFixed(2)} s; ${lost} of ${acked} acknowledged writes lost (target 0); ${results.filter((r) => r.state === 'finalized').length}/${runs} finalized`,
  );
  if (lost > 0 || results.some((r) => r.state !== 'finalized')) process.exitCode = 1;
}
clearTimeout(hardStop);
