/**
 * The migration inside the monitoring daemon (issue 6 parts 4 and 5): the built `stacks daemon`
 * serves the `stacks_migration_*` series from the journal and plan at scrape time, and, given a
 * runbook and a wave, runs that wave in the background on real hosts (namespaces + sshd, root) with
 * the same journal and per-wave lock as `stacks migrate run`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../support/cli.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { metricValue, waitUntil } from '../support/monitor-harness.js';
import { buildScenario, readJournalOf, type Scenario } from './support.js';
import { destroyMigrationLab, migrationLabLeftovers } from './lab-hosts.js';
import { acquireLock } from '../../lab/lock.js';
import type { Journal } from '../../migrations/journal.js';

const root = process.getuid?.() === 0;
const env = { STACKS_SNMP_COMMUNITY: 'daemon-migration-test', STACKS_LOG_LEVEL: 'info' };
const running: Proc[] = [];

const readJournal = <T>(fn: (j: Journal) => T, stateDir = journalState): T | undefined => readJournalOf(stateDir, fn);
let journalState = '';

async function daemon(state: string, targets: string, extra: string[] = []): Promise<Proc & { port: number }> {
  const d = await startDaemon(
    ['--state-dir', state, 'daemon', '--targets', targets, '--snmp-version', 'v2c', '--listen', '127.0.0.1:0', '--no-traps', ...extra],
    env,
  );
  running.push(d);
  return d;
}
/** waitUntil, and on a timeout the journal's systems and the daemon's last log lines in the error (CI reads only that). */
async function waitFor<T>(d: Proc, fn: () => Promise<T | undefined | false> | T | undefined | false, ms: number, what: string, everyMs = 100): Promise<T> {
  try {
    return await waitUntil(fn, ms, what, everyMs);
  } catch (err) {
    const systems = readJournal((j) =>
      j.systems(1).map((r) => ({ id: r.id, state: r.state, error: r.error, steps: j.steps(r.id).map((x) => `${x.step}:${x.status}`) })),
    );
    const tail = d.output().trim().split('\n').slice(-25).join('\n');
    throw new Error(`${(err as Error).message}\njournal: ${JSON.stringify(systems)}\ndaemon log (tail):\n${tail}`);
  }
}
const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

async function emptyTargets(dir: string): Promise<string> {
  const file = join(dir, 'targets.yaml');
  await writeFile(file, stringify({ devices: [] }));
  return file;
}

afterAll(async () => {
  for (const p of running) await p.kill('SIGKILL');
});

describe('stacks daemon: migration metrics', () => {
  it('serves stacks_migration_* read from the state dir at scrape time, and rejects bad --migrate-* input with exit 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stacks-migd-'));
    const state = join(dir, 'state');
    const targets = await emptyTargets(dir);
    const d = await daemon(state, targets);
    const before = await scrape(d.port);
    expect(before).toMatch(/^stacks_migration_cloud_share_target_ratio 1$/m);
    expect(before).toContain('# TYPE stacks_migration_steps_total counter');
    expect(before).not.toMatch(/^stacks_migration_systems\{/m); // no plan yet

    // A plan made while the daemon runs shows up at the next scrape.
    const row = (id: string, over: Record<string, unknown> = {}) => ({
      id,
      department: 'finance',
      level: 'province',
      classification: 'internal',
      location: { kind: 'department-room', site: 'dept.finance' },
      data_gib: 10,
      protection_class: 'p2',
      ...over,
    });
    const systems = join(dir, 'systems.yaml');
    await writeFile(systems, stringify({ systems: [row('finance-1'), row('finance-2', { depends_on: ['finance-1'] }), row('finance-3')] }));
    const plan = await runCli(['--state-dir', state, 'migrate', 'plan', '--systems', systems]);
    expect(plan.code, plan.stderr).toBe(0);
    const after = await scrape(d.port);
    const planned = [1, 2, 3].reduce((n, w) => n + (metricValue(after, 'stacks_migration_systems', { wave: String(w), state: 'planned' }) ?? 0), 0);
    expect(planned).toBe(3);
    expect(metricValue(after, 'stacks_migration_cloud_share_ratio')).toBe(0);
    expect(after).toMatch(/^stacks_migration_wave_progress_ratio\{wave="1"\} 0$/m);
    await d.kill('SIGTERM');
    expect(d.child.exitCode).toBe(0);

    const base = ['--state-dir', state, 'daemon', '--targets', targets, '--snmp-version', 'v2c', '--listen', '127.0.0.1:0', '--no-traps'];
    const alone = await runCli([...base, '--migrate-wave', '1'], { env });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--migrate-runbook and --migrate-wave go together/);
    const noRunbook = await runCli([...base, '--migrate-wave', '1', '--migrate-runbook', join(dir, 'missing.yaml')], { env });
    expect(noRunbook.code).toBe(2);
    expect(noRunbook.stderr).toContain(join(dir, 'missing.yaml'));
  });
});

describe.skipIf(!root)('stacks daemon --migrate-runbook --migrate-wave (real hosts)', () => {
  const ID = `md${process.pid % 10000}`;
  let sc: Scenario;
  let state: string;
  let targets: string;

  beforeAll(async () => {
    await destroyMigrationLab(ID);
    sc = await buildScenario(
      ID,
      '169.254.203',
      ['dept1', 'dept2', 'cloudvm'],
      [
        { id: 'finance-ledger', department: 'finance', source: 'dept1', target: 'cloudvm', port: 8101 },
        { id: 'health-records', department: 'health', source: 'dept2', target: 'cloudvm', port: 8102 },
        { id: 'big-archive', department: 'big-data', source: 'dept2', target: 'cloudvm', port: 8103, bulkMiB: 160 },
      ],
    );
    state = join(sc.dir, 'state');
    journalState = state;
    targets = await emptyTargets(sc.dir);
    const plan = await runCli(['--state-dir', state, 'migrate', 'plan', '--systems', sc.systemsFile]);
    expect(plan.code, plan.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const p of running) await p.kill('SIGKILL');
    await destroyMigrationLab(ID, sc?.dir);
    expect(await migrationLabLeftovers(ID)).toEqual({ namespaces: [], links: [], processes: [] });
  });

  it('is locked out while another runner holds the wave; stopped mid-wave, resumes on restart and runs it to the end, logging and exposing progress', async () => {
    const wave = ['--migrate-runbook', sc.runbookFile, '--migrate-wave', '1'];
    // Another runner holds wave 1: the daemon keeps monitoring, logs the lock-out, touches nothing.
    const held = acquireLock(join(state, 'migrations', 'wave-1.lock'), 'migrate run --wave 1');
    let d = await daemon(state, targets, wave);
    try {
      const text = await waitUntil(
        async () => {
          const t = await scrape(d.port);
          return metricValue(t, 'stacks_migration_daemon_wave', { wave: '1', result: 'error' }) === 1 && t;
        },
        20_000,
        'the locked-out wave to be reported',
      );
      expect(metricValue(text, 'stacks_migration_steps_total')).toBeUndefined();
      expect(d.output()).toMatch(/"code":"E_LAB_LOCKED".*migration wave could not run/);
      for (const id of ['finance-ledger', 'health-records'])
        expect(await sc.names.lookup(sc.serviceName(id))).toBe(sc.host(id === 'finance-ledger' ? 'dept1' : 'dept2').address);
    } finally {
      held.release();
    }
    await d.kill('SIGTERM');
    expect(d.child.exitCode).toBe(0);

    // Lock free: the daemon runs the wave in the background. Stopped mid-replication, it exits at once.
    d = await daemon(state, targets, wave);
    expect(d.output()).toContain('migration wave 1 running');
    await waitFor(d, () => readJournal((j) => j.step('big-archive', 'initial-sync')?.status === 'running'), 60_000, 'big-archive to be replicating', 20);
    await d.kill('SIGTERM');
    expect(d.child.exitCode).toBe(0);
    expect(d.output()).toMatch(/"wave":1.*stopping with the migration wave unfinished/);
    expect(readJournal((j) => j.system('big-archive')?.state)).toBe('replicating');

    // The next start resumes the wave from the journal and runs it to the end.
    d = await daemon(state, targets, wave);
    const text = await waitFor(
      d,
      async () => {
        const t = await scrape(d.port);
        // an incomplete end fails at once (the error below says which system and why), not after the wait
        if (metricValue(t, 'stacks_migration_daemon_wave', { wave: '1', result: 'incomplete' }) === 1) throw new Error('the wave ended incomplete');
        return metricValue(t, 'stacks_migration_daemon_wave', { wave: '1', result: 'ok' }) === 1 && t;
      },
      200_000,
      'the wave to finish',
      250,
    );
    expect(metricValue(text, 'stacks_migration_systems', { wave: '1', state: 'finalized' })).toBe(3);
    expect(metricValue(text, 'stacks_migration_wave_progress_ratio', { wave: '1' })).toBe(1);
    // the counters are this process's: at least big-archive's steps after the interruption
    expect(metricValue(text, 'stacks_migration_steps_total', { step: 'initial-sync', result: 'done' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'stacks_migration_steps_total', { step: 'finalize', result: 'done' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'stacks_migration_daemon_wave', { wave: '1', result: 'running' })).toBe(0);
    // the log line travels through the child's stdout pipe: it may land just after the metric
    const out = await waitUntil(
      () => /"finalized":3,"systems":3.*migration wave finished/.test(d.output()) && d.output(),
      5_000,
      'the wave-finished log line',
      50,
    );
    expect(out).toMatch(/"system":"big-archive","state":"finalized".*migration state/);
    for (const id of ['finance-ledger', 'health-records', 'big-archive']) {
      expect(await sc.names.lookup(sc.serviceName(id))).toBe(sc.host('cloudvm').address);
      expect(sc.names.changes(sc.serviceName(id)).filter((c) => c.why.startsWith('cutover'))).toHaveLength(1);
    }
    const r = await sc.clientGet('health-records', '/records/data.json', 8102);
    expect(JSON.parse(r.body).system).toBe('health-records');
    await d.kill('SIGTERM');
    expect(d.child.exitCode).toBe(0);

    // Same journal as `stacks migrate run`: the CLI finds the wave done and redoes nothing.
    const again = await runCli(['--state-dir', state, '--json', 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ finalized: 3, skipped: 3 });
    // nothing was done twice but the steps the daemon was stopped in (at most one per system: they run concurrently)
    const attempts = readJournal((j) =>
      Object.fromEntries(
        ['finance-ledger', 'health-records', 'big-archive'].map((id) => [id, Object.fromEntries(j.steps(id).map((s) => [s.step, s.attempts]))]),
      ),
    )!;
    expect(attempts['big-archive']).toMatchObject({ precheck: 1, 'initial-sync': 2, 'switch-name': 1, verify: 1, finalize: 1 });
    for (const [id, steps] of Object.entries(attempts)) {
      const redone = Object.values(steps).filter((n) => n !== 1);
      expect(redone.length <= 1 && redone.every((n) => n === 2), `${id}: ${JSON.stringify(steps)}`).toBe(true);
    }

    // The audit trail holds each lifecycle step the daemon's runs took, per system in order, and the
    // outcome of each run that ended (the daemon's resumed run, then the CLI's; the locked-out one never
    // started, the stopped one never ended); the chain verifies.
    const log = JSON.parse((await runCli(['--state-dir', state, '--json', 'audit', 'log', '--action', 'migrate.*', '--limit', '1000'])).stdout) as Array<{
      action: string;
      objects: string[];
      result: string;
      detail: { state?: string; wave: number; finalized?: number };
    }>;
    for (const id of ['finance-ledger', 'health-records', 'big-archive']) {
      const states = log.filter((r) => r.action === 'migrate.step' && r.objects[0] === `system:${id}`).map((r) => r.detail.state);
      expect(states, id).toContain('replicating');
      expect(states.at(-1), id).toBe('finalized');
    }
    const runs = log.filter((r) => r.action === 'migrate.run');
    expect(runs.map((r) => r.detail.finalized)).toEqual([3, 3]);
    expect(runs.every((r) => r.objects[0] === 'wave:1' && r.result === 'ok')).toBe(true);
    expect((await runCli(['--state-dir', state, 'audit', 'verify'])).code).toBe(0);
  }, 300_000); // three systems through the whole runbook (test launch, rounds) on a loaded 2-core host
});
