/**
 * A migration scenario on real hosts: department servers and a cloud VM as network namespaces with
 * sshd (lab-hosts.ts), sample HTTP services with data on the servers (upload-server.py: GET and
 * acknowledged PUT), the government zone on a real BIND 9 in its own namespace (lab/name-server.ts),
 * a township client namespace that resolves through it (its resolv.conf), a systems file and a runbook.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { createMigrationLab, inHost, type LabHost, type MigrationLab } from './lab-hosts.js';
import type { DnsNames } from '../../migrations/names.js';
import { testNames } from '../support/test-names.js';
import { startNameServer, type NameServer } from '../../lab/name-server.js';
import { ensureTsigKey } from '../../lab/secrets.js';
import { SshPool, readKnownHosts } from '../../migrations/ssh.js';
import { startService } from '../../migrations/steps.js';
import type { Runbook } from '../../migrations/runbook.js';
import { run } from '../../lab/shell.js';
import { Journal } from '../../migrations/journal.js';

export interface SampleSystem {
  id: string;
  department: string;
  source: string;
  target: string;
  port: number;
  /** Extra bytes of data (a large file makes replication take a while). */
  bulkMiB?: number;
  /** The source's service takes this long to stop (it drains on SIGTERM): a freeze that lasts. */
  drainSeconds?: number;
  /** Misconfigure the target's web server (wrong document root): verification must fail. */
  brokenTarget?: boolean;
  dependsOn?: string[];
  /** Inventory fields over the defaults (platform, lifecycle, strategy_hint…). */
  row?: Record<string, unknown>;
  /** Runbook fields of the system (container, …). */
  runbook?: Partial<Runbook['systems'][string]>;
}

export interface Scenario {
  lab: MigrationLab;
  dir: string;
  systemsFile: string;
  runbookFile: string;
  runbook: Runbook;
  names: DnsNames;
  nameServer: NameServer;
  /** The township host that resolves service names through the lab's name server. */
  client: LabHost;
  host(name: string): LabHost;
  serviceName(id: string): string;
  dataDir(host: string, id: string): string;
  /** What the township client resolves the service's name to (libc, through its resolv.conf). */
  resolve(id: string): Promise<string | undefined>;
  /** GET a path of a service by its name from the client namespace (curl, resolving through the name server). */
  clientGet(id: string, path: string, port: number): Promise<{ code: number; body: string }>;
}

const UPLOAD_SERVER = join(import.meta.dirname, 'upload-server.py');
const SERVICE_START = `python3 ${UPLOAD_SERVER} {port} {address} {data_dir}`;

export async function buildScenario(
  id: string,
  subnet: string,
  hosts: string[],
  systems: SampleSystem[],
  replication: Partial<Runbook['replication']> = {},
): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), `stacks-mig-${id}-`));
  const lab = await createMigrationLab({ id, dir: join(dir, 'hosts'), hosts: [...hosts, 'dns', 'township'], subnet });
  const host = (name: string) => lab.hosts.find((h) => h.name === name)!;
  const dataDir = (h: string, sys: string) => join(lab.dir, h, 'srv', sys);
  const serviceName = (sys: string) => `${sys}.gov.sn.cn`;
  const client = host('township');
  const dns = host('dns');
  const secrets = join(dir, 'secrets.json');
  const key = await ensureTsigKey(secrets, 'stacks-migrate');
  const records = Object.fromEntries(systems.map((s) => [serviceName(s.id), host(s.source).address]));
  const nameServer = await startNameServer({
    dir: join(dns.dir, 'named'),
    address: dns.address,
    port: 53,
    zone: 'gov.sn.cn',
    key,
    records,
    ttl: 300,
    netns: dns.ns,
  });
  // the township resolves through the lab's name server, as a real township's hosts do through the province's
  await mkdir(`/etc/netns/${client.ns}`, { recursive: true });
  await writeFile(`/etc/netns/${client.ns}/resolv.conf`, `nameserver ${dns.address}\noptions timeout:1 attempts:2\n`);
  const state = join(dir, 'state');
  const names = testNames({ server: dns.address, port: 53, key, state });
  await mkdir(join(state, 'migrations'), { recursive: true });

  const runbook: Runbook = {
    ssh: { user: 'root', identity: lab.identity, known_hosts: lab.knownHosts, port: 22 },
    names: { server: dns.address, port: 53, zone: 'gov.sn.cn', tsig_key: 'stacks-migrate', secrets, ttl: 300, wave_ttl: 5 },
    replication: { min_rounds: 1, max_rounds: 30, interval_s: 0.5, converge_bytes: 64 * 1024, rate_scale: 1, ...replication },
    systems: {},
  };
  const rows = [];
  for (const s of systems) {
    const src = dataDir(s.source, s.id);
    await mkdir(join(src, 'records'), { recursive: true });
    await writeFile(join(src, 'index.html'), `<h1>${s.id}</h1>\n`);
    await writeFile(
      join(src, 'records', 'data.json'),
      JSON.stringify({ system: s.id, records: Array.from({ length: 50 }, (_, i) => ({ n: i, v: `${s.id}-${i}` })) }),
    );
    await writeFile(join(src, 'records', 'notes 1.txt'), `notes of ${s.id} with a space in the name\n`);
    if (s.bulkMiB) await run('dd', ['if=/dev/urandom', `of=${join(src, 'bulk.bin')}`, 'bs=1M', `count=${s.bulkMiB}`, 'status=none']);
    runbook.systems[s.id] = {
      source: { host: host(s.source).address, data_dir: src, ...(s.drainSeconds ? { start: `${SERVICE_START} ${s.drainSeconds}` } : {}) },
      target: {
        host: host(s.target).address,
        data_dir: dataDir(s.target, s.id),
        ...(s.brokenTarget ? { start: 'python3 -m http.server {port} --bind {address} --directory /' } : {}),
      },
      service: { name: serviceName(s.id), port: s.port, start: SERVICE_START },
      ...s.runbook,
    };
    rows.push({
      id: s.id,
      department: s.department,
      level: 'province',
      classification: 'internal',
      location: { kind: 'department-room', site: `dept.${s.department}` },
      depends_on: s.dependsOn ?? [],
      data_gib: 1,
      vcpu: 2,
      ram_gib: 4,
      protection_class: 'p2',
      platform: 'x86-vm',
      ...s.row,
    });
  }
  const systemsFile = join(dir, 'systems.yaml');
  await writeFile(systemsFile, stringify({ version: 1, systems: rows }));
  const runbookFile = join(dir, 'runbook.yaml');
  await writeFile(runbookFile, stringify(runbook));

  // The department servers run their services before the migration (started as the runbook would).
  const pool = new SshPool({ user: 'root', privateKey: readFileSync(lab.identity), pinned: readKnownHosts(lab.knownHosts) });
  try {
    for (const s of systems) await startService(pool.get(host(s.source).address), runbook.systems[s.id]!, runbook.systems[s.id]!.source);
  } finally {
    pool.close();
  }
  return {
    lab,
    dir,
    systemsFile,
    runbookFile,
    runbook,
    names,
    nameServer,
    client,
    host,
    serviceName,
    dataDir,
    async resolve(sys) {
      const r = await inHost(client, 'getent', ['ahostsv4', serviceName(sys)]);
      return r.code === 0 ? r.stdout.trim().split(/\s+/)[0] : undefined;
    },
    async clientGet(sys, path, port) {
      for (let i = 0; i < 40; i++) {
        const r = await inHost(client, 'curl', ['-sS', '-o', '-', '-w', '\n%{http_code}', '--max-time', '3', `http://${serviceName(sys)}:${port}${path}`]);
        const lines = r.stdout.split('\n');
        const code = Number(lines.pop());
        if (r.code === 0 && code > 0) return { code, body: lines.join('\n') };
        await new Promise((res) => setTimeout(res, 100));
      }
      return { code: 0, body: '' };
    },
  };
}

/** PUT through the service's name as a client would (resolved on the lab's name server): a 201 is an acknowledged write. */
export async function putThroughName(names: DnsNames, name: string, port: number, path: string, body: string): Promise<boolean> {
  const addr = await names.lookup(name).catch(() => undefined);
  if (!addr) return false;
  try {
    const r = await fetch(`http://${addr}:${port}/${path}`, { method: 'PUT', body, signal: AbortSignal.timeout(1500) });
    await r.arrayBuffer();
    return r.status === 201;
  } catch {
    return false;
  }
}

/** A client that keeps writing `uploads/w<n>.txt` through the name until stopped; resolves to the acknowledged paths. */
export function startWriter(names: DnsNames, name: string, port: number, everyMs = 40): { stop(): Promise<{ acked: string[]; attempts: number }> } {
  const acked: string[] = [];
  let attempts = 0;
  let writing = true;
  const loop = (async () => {
    for (let n = 0; writing; n++) {
      attempts++;
      if (await putThroughName(names, name, port, `uploads/w${n}.txt`, `write ${n}\n`)) acked.push(`uploads/w${n}.txt`);
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop() {
      writing = false;
      await loop;
      return { acked, attempts };
    },
  };
}

/** Read a state dir's migration journal while a run may be writing it: undefined until it exists and has its tables. */
export function readJournalOf<T>(stateDir: string, fn: (j: Journal) => T): T | undefined {
  const file = join(stateDir, 'migrations', 'journal.db');
  if (!existsSync(file)) return undefined;
  let j: Journal;
  try {
    j = new Journal(file, { readonly: true });
  } catch {
    return undefined; // the run is still creating it
  }
  try {
    return fn(j);
  } catch {
    return undefined; // tables not created yet
  } finally {
    j.close();
  }
}
