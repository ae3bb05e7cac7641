/**
 * The PostgreSQL cutover rig that test/migrations/postgres.test.ts and bench/migrations-pg.bench.ts
 * share: two real clusters (pg-cluster.ts) on two loopback addresses and one port, the source holding
 * 20,000 ledger rows, a real BIND 9 serving the system's name, the finance-ledger system and its
 * runbook, and a writer that inserts one row at a time through the name. One copy, so the test and
 * the bench measure the same cutover.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startPgCluster, freePort, type PgCluster } from './pg-cluster.js';
import { startNameServer, type NameServer } from '../../lab/name-server.js';
import { ensureKeyPair, ensureTsigKey } from '../../lab/secrets.js';
import type { DnsNames } from '../../migrations/names.js';
import { testNames } from './test-names.js';
import { sleep } from '../../lab/shell.js';
import type { Runbook } from '../../migrations/runbook.js';
import type { MigrationSystem } from '../../migrations/schema.js';

export const LEDGER_NAME = 'ledger.finance.gov.sn.cn';
const TSIG = 'stacks-migrate';

export async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

export interface PgCutoverRig {
  dir: string;
  /** The migration state folder (journal, plan, names log). */
  state: string;
  source: PgCluster;
  target: PgCluster;
  /** The port both clusters listen on, each on its own address. */
  port: number;
  server: NameServer;
  names: DnsNames;
  runbook: Runbook;
  stop(): Promise<void>;
}

/** Starts everything; on a failure part way, stops what had started before throwing. */
export async function startPgCutover(o: { sourceAddress: string; targetAddress: string; dirPrefix: string }): Promise<PgCutoverRig> {
  const dir = await mkdtemp(join(tmpdir(), o.dirPrefix));
  let source: PgCluster | undefined;
  let target: PgCluster | undefined;
  let server: NameServer | undefined;
  const stop = async () => {
    await server?.stop();
    source?.stop();
    target?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    source = await startPgCluster({ address: o.sourceAddress, port, conf: { wal_level: 'logical' } });
    target = await startPgCluster({ address: o.targetAddress, port });
    await sql(source.url, 'CREATE TABLE ledger (id bigserial PRIMARY KEY, n integer NOT NULL, note text)');
    await sql(source.url, "INSERT INTO ledger (n, note) SELECT -g, repeat('x', 200) FROM generate_series(1, 20000) g");
    const secrets = join(dir, 'secrets.json');
    const key = await ensureTsigKey(secrets, TSIG);
    const dnsPort = await freePort();
    server = await startNameServer({
      dir: join(dir, 'named'),
      address: '127.0.0.1',
      port: dnsPort,
      zone: 'gov.sn.cn',
      key,
      records: { [LEDGER_NAME]: o.sourceAddress },
      ttl: 300,
    });
    const state = join(dir, 'state');
    const names = testNames({ server: '127.0.0.1', port: dnsPort, key, state });
    const identity = join(dir, 'id_ed25519');
    await ensureKeyPair(identity, 'unused: a database system needs no SSH');
    await writeFile(join(dir, 'known_hosts'), '');
    const runbook: Runbook = {
      ssh: { user: 'root', identity, known_hosts: join(dir, 'known_hosts'), port: 22 },
      names: { server: '127.0.0.1', port: dnsPort, zone: 'gov.sn.cn', tsig_key: TSIG, secrets, ttl: 300, wave_ttl: 5 },
      replication: { min_rounds: 3, max_rounds: 30, interval_s: 0.3, converge_bytes: 64 * 1024, rate_scale: 1 },
      systems: {
        'finance-ledger': {
          source: { host: o.sourceAddress, data_dir: '/var/lib/postgresql' },
          target: { host: o.targetAddress, data_dir: '/var/lib/postgresql' },
          service: { name: LEDGER_NAME, port, start: 'postgres' },
          database: {
            kind: 'postgresql',
            source_url: source.url,
            target_url: target.url,
            source_conninfo: `host=${o.sourceAddress} port=${port} user=stacks dbname=postgres`,
          },
        },
      },
    };
    return { dir, state, source, target, port, server, names, runbook, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The system the rig moves; `protectionClass` from the inventory's registry. */
export function ledgerSystem(protectionClass: string): MigrationSystem {
  return {
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
    protectionClass,
    platform: 'x86-vm',
    database: 'postgresql',
    lifecycle: 'active',
  };
}

export interface LedgerWriter {
  /** Each acknowledged insert (its COMMIT returned) and when. */
  acked: Array<{ n: number; at: number }>;
  /** Stops writing and waits for the last insert to end. */
  stop(): Promise<void>;
  /** The longest gap between two acknowledged writes, in seconds (what the writer saw of the cutover). */
  longestGap(): number;
}

/** One insert at a time through the name: on an error it drops the connection and resolves the name again. */
export function startLedgerWriter(rig: PgCutoverRig): LedgerWriter {
  const acked: LedgerWriter['acked'] = [];
  let writing = true;
  const done = (async () => {
    let client: pg.Client | undefined;
    for (let n = 1; writing; n++) {
      try {
        if (!client) {
          const host = await rig.names.lookup(LEDGER_NAME);
          client = new pg.Client({ host, port: rig.port, user: 'stacks', database: 'postgres', connectionTimeoutMillis: 1000 });
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
  return {
    acked,
    stop: async () => {
      writing = false;
      await done;
    },
    longestGap: () => {
      let gap = 0;
      for (let i = 1; i < acked.length; i++) gap = Math.max(gap, acked[i]!.at - acked[i - 1]!.at);
      return gap / 1000;
    },
  };
}
