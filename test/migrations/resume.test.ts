/**
 * Reliability of `stacks migrate run` on real hosts (root; runs in CI): a second run of the same wave
 * is locked out; `kill -9` in the middle of a wave, then a restart, resumes without redoing finished
 * steps and never cuts a system over twice; a host whose sshd is down for a while is retried with
 * backoff until it answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO, runCli } from '../support/cli.js';
import { buildScenario, readJournalOf, type Scenario } from './support.js';
import { destroyMigrationLab, migrationLabLeftovers, startSshd, stopSshd, waitForPort } from './lab-hosts.js';
import type { Journal } from '../../migrations/journal.js';
import { sleep } from '../../lab/shell.js';
import { acquireLock } from '../../lab/lock.js';

const root = process.getuid?.() === 0;
const ID = `mr${process.pid % 10000}`;
const SYSTEMS = ['agri-stats', 'big-archive', 'civil-hotline', 'drc-portal'];
let sc: Scenario;
let state: string;
const readJournal = <T>(fn: (j: Journal) => T): T | undefined => readJournalOf(state, fn);

describe.skipIf(!root)('migrate run: lock, kill -9 and resume, SSH retries', () => {
  beforeAll(async () => {
    await destroyMigrationLab(ID);
    sc = await buildScenario(
      ID,
      '169.254.202',
      ['dept1', 'dept2', 'dept3', 'dept4', 'cloudvm'],
      [
        { id: 'agri-stats', department: 'agriculture', source: 'dept1', target: 'cloudvm', port: 8091 },
        { id: 'big-archive', department: 'big-data', source: 'dept2', target: 'cloudvm', port: 8092, bulkMiB: 160 },
        { id: 'civil-hotline', department: 'civil-affairs', source: 'dept3', target: 'cloudvm', port: 8093 },
        { id: 'drc-portal', department: 'drc', source: 'dept4', target: 'cloudvm', port: 8094 },
      ],
    );
    state = join(sc.dir, 'state');
    const plan = await runCli(['--state-dir', state, 'migrate', 'plan', '--systems', sc.systemsFile]);
    expect(plan.code, plan.stderr).toBe(0);
  });

  afterAll(async () => {
    await destroyMigrationLab(ID, sc?.dir);
    expect(await migrationLabLeftovers(ID)).toEqual({ namespaces: [], links: [], processes: [] });
  });

  it('survives kill -9 mid-wave, locks out a second run, and resumes without redoing or re-cutting', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO, 'bin', 'stacks.js'), '--state-dir', state, 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile, '--concurrency', '1'],
      { cwd: REPO, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((res) => child.on('exit', (_code, signal) => res(signal === 'SIGKILL' ? 137 : _code)));
    // Wait until the first system is finalized and the large one is being replicated.
    let seen = false;
    for (let i = 0; i < 1200 && !seen; i++) {
      seen = readJournal((j) => j.system('agri-stats')?.state === 'finalized' && j.step('big-archive', 'initial-sync')?.status === 'running') ?? false;
      if (!seen) await sleep(50);
    }
    expect(seen).toBe(true);

    child.kill('SIGKILL');
    expect(await exited).toBe(137);
    const before = readJournal((j) => ({ agri: j.steps('agri-stats'), big: j.steps('big-archive'), state: j.system('big-archive')?.state }))!;
    expect(before.state).toBe('replicating');
    expect(before.big.find((s) => s.step === 'initial-sync')?.status).toBe('running');

    // Two runs of one wave are locked out: hold the wave's lock as a live run would, try a second.
    const held = acquireLock(join(state, 'migrations', 'wave-1.lock'), 'migrate run --wave 1');
    const second = await runCli(['--state-dir', state, 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile]);
    held.release();
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/E_LAB_LOCKED.*another migrate run --wave 1 \(pid \d+/);
    expect(readJournal((j) => j.step('big-archive', 'initial-sync')?.attempts)).toBe(1);

    // While we are at it: the next run finds drc-portal's server unreachable for a while.
    const dept4 = sc.host('dept4');
    await stopSshd(dept4);
    const restart = (async () => {
      // bring it back once the run has failed to reach it (and is backing off), or after a minute
      for (let i = 0; i < 1200; i++) {
        if (readJournal((j) => j.events().some((e) => e.kind === 'ssh-retry' && (e.detail ?? '').startsWith(`${dept4.address} `)))) break;
        await sleep(50);
      }
      await startSshd(dept4, sc.lab.publicKey);
      await waitForPort(dept4, 22);
    })();

    const resumed = await runCli(['--state-dir', state, '--json', 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile, '--concurrency', '1'], {
      timeoutMs: 240_000,
    });
    await restart;
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.finalized).toBe(4);
    expect(result.skipped).toBe(1); // agri-stats was already finalized

    const after = readJournal((j) => ({
      agri: j.steps('agri-stats'),
      big: j.steps('big-archive'),
      retries: j.events().filter((e) => e.kind === 'ssh-retry' || e.kind === 'retry'),
      states: SYSTEMS.map((s) => j.system(s)?.state),
    }))!;
    expect(after.states).toEqual(['finalized', 'finalized', 'finalized', 'finalized']);
    // nothing of the finished system was redone
    expect(after.agri.map((s) => [s.step, s.attempts])).toEqual(before.agri.map((s) => [s.step, s.attempts]));
    expect(after.agri.every((s) => s.attempts === 1)).toBe(true);
    // the interrupted system redid only the step it was in
    const attempts = Object.fromEntries(after.big.map((s) => [s.step, s.attempts]));
    expect(attempts).toMatchObject({
      precheck: 1,
      'initial-sync': 2,
      sync: 1,
      freeze: 1,
      'final-sync': 1,
      'start-target': 1,
      health: 1,
      'switch-name': 1,
      verify: 1,
      finalize: 1,
    });
    // SSH to the host that was down was retried with backoff
    expect(after.retries.some((e) => (e.detail ?? '').includes(dept4.address) || e.system === 'drc-portal')).toBe(true);

    // every name was cut over exactly once and now points at the cloud VM
    for (const id of SYSTEMS) {
      const trail = sc.names.changes(sc.serviceName(id));
      expect(
        trail.filter((c) => c.why.startsWith('cutover')),
        id,
      ).toHaveLength(1);
      expect(await sc.names.lookup(sc.serviceName(id))).toBe(sc.host('cloudvm').address);
    }
    const r = await sc.clientGet('big-archive', '/records/data.json', 8092);
    expect(JSON.parse(r.body).system).toBe('big-archive');
  });
});
