/**
 * End to end on real hosts (root; runs in CI): department servers and a cloud VM are namespaces with
 * OpenSSH sshd; `stacks migrate plan` + `run` move a small HTTP service with its data; a client
 * reaches the same data under the service's name afterwards. A target with a broken web server fails
 * verification and is rolled back with the source serving again. Teardown leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { buildScenario, type Scenario } from './support.js';
import { destroyMigrationLab, inHost, migrationLabLeftovers } from './lab-hosts.js';
import { Journal } from '../../migrations/journal.js';

const root = process.getuid?.() === 0;
const ID = `me${process.pid % 10000}`;
let sc: Scenario;
let state: string;

describe.skipIf(!root)('stacks migrate on namespaces with sshd', () => {
  beforeAll(async () => {
    await destroyMigrationLab(ID);
    sc = await buildScenario(
      ID,
      '169.254.201',
      ['dept1', 'dept2', 'cloudvm'],
      [
        { id: 'housing-permits', department: 'housing', source: 'dept1', target: 'cloudvm', port: 8081 },
        { id: 'civil-registry', department: 'civil-affairs', source: 'dept2', target: 'cloudvm', port: 8082, brokenTarget: true },
      ],
    );
    state = join(sc.dir, 'state');
  });

  afterAll(async () => {
    await destroyMigrationLab(ID, sc?.dir);
    const left = await migrationLabLeftovers(ID);
    expect(left).toEqual({ namespaces: [], links: [], processes: [] });
  });

  it('before: the client reaches both services on the department servers by name', async () => {
    expect(await sc.names.lookup(sc.serviceName('housing-permits'))).toBe(sc.host('dept1').address);
    const r = await sc.clientGet('housing-permits', '/records/data.json', 8081);
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).system).toBe('housing-permits');
  });

  it('plans, runs the wave, cuts over the good system and rolls back the broken one', async () => {
    const plan = await runCli(['--state-dir', state, '--json', 'migrate', 'plan', '--systems', sc.systemsFile]);
    expect(plan.code, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc.waves[0].systems.map((s: { id: string }) => s.id).sort()).toEqual(['civil-registry', 'housing-permits']);
    expect(doc.waves[0].systems[0]).toMatchObject({ strategy: 'rehost', target_cloud: 'provincial' });

    const run = await runCli(['--state-dir', state, '--json', 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile, '--concurrency', '2'], {
      timeoutMs: 180_000,
    });
    expect(run.code, run.stderr).toBe(1); // one system rolled back
    const result = JSON.parse(run.stdout);
    const by = Object.fromEntries(result.systems.map((s: { id: string; state: string }) => [s.id, s]));
    expect(by['housing-permits'].state).toBe('finalized');
    expect(by['civil-registry'].state).toBe('reverted');
    expect(by['civil-registry'].error).toMatch(/verification failed/);
  }, 300_000); // the CLI call itself may take 180 s on a loaded 2-core host

  it('after cutover the client gets the same data under the name, from the cloud VM; the source is stopped', async () => {
    expect(await sc.names.lookup(sc.serviceName('housing-permits'))).toBe(sc.host('cloudvm').address);
    const original = await readFile(join(sc.dataDir('dept1', 'housing-permits'), 'records', 'data.json'), 'utf8');
    const r = await sc.clientGet('housing-permits', '/records/data.json', 8081);
    expect(r.code).toBe(200);
    expect(r.body).toBe(original);
    const spaced = await sc.clientGet('housing-permits', '/records/notes%201.txt', 8081);
    expect(spaced.body).toContain('space in the name');
    // finalize stopped the department server's copy: nothing answers on its address any more
    const direct = await inHost(sc.client, 'curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '2',
      `http://${sc.host('dept1').address}:8081/`,
    ]);
    expect(direct.stdout).toBe('000');
  });

  it('the broken target was rolled back: the name points at the source again, which serves its data', async () => {
    expect(await sc.names.lookup(sc.serviceName('civil-registry'))).toBe(sc.host('dept2').address);
    const r = await sc.clientGet('civil-registry', '/records/data.json', 8082);
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).system).toBe('civil-registry');
    const trail = sc.names.changes(sc.serviceName('civil-registry')).map((c) => c.why.split(' ')[0]);
    expect(trail).toEqual(['cutover', 'rollback']);
    // the target's misconfigured server was stopped
    const t = await inHost(sc.client, 'curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '2', `http://${sc.host('cloudvm').address}:8082/`]);
    expect(t.stdout).toBe('000');
    const j = new Journal(join(state, 'migrations', 'journal.db'), { readonly: true });
    const kinds = j.events('civil-registry').map((e) => e.kind);
    j.close();
    expect(kinds).toContain('rollback');
  });

  it('status shows each system and the share of non-classified systems on cloud', async () => {
    const st = await runCli(['--state-dir', state, '--json', 'migrate', 'status']);
    expect(st.code, st.stderr).toBe(0);
    const doc = JSON.parse(st.stdout);
    expect(doc.waves[0].by_state).toEqual({ finalized: 1, reverted: 1 });
    expect(doc.share).toMatchObject({ on_cloud: 1, non_classified_in_service: 2, ratio: 0.5, target: 1 });
    const text = await runCli(['--state-dir', state, 'migrate', 'status', '--systems']);
    expect(text.stdout).toMatch(/housing-permits\s+finalized/);
    expect(text.stdout).toMatch(/50\.0%/);
  });

  it('a second run of the wave redoes nothing for the finalized system', async () => {
    const j0 = new Journal(join(state, 'migrations', 'journal.db'), { readonly: true });
    const before = j0.steps('housing-permits').map((s) => [s.step, s.attempts]);
    j0.close();
    const again = await runCli(['--state-dir', state, '--json', 'migrate', 'run', '--wave', '1', '--runbook', sc.runbookFile]);
    expect(JSON.parse(again.stdout).skipped).toBe(1);
    const j1 = new Journal(join(state, 'migrations', 'journal.db'), { readonly: true });
    expect(j1.steps('housing-permits').map((s) => [s.step, s.attempts])).toEqual(before);
    j1.close();
    expect(sc.names.changes(sc.serviceName('housing-permits')).filter((c) => c.why.startsWith('cutover'))).toHaveLength(1);
  });
});
