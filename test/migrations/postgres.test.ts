/**
 * A PostgreSQL system moves by logical replication (root for BIND; runs in CI): two real clusters of
 * the project's test support on two loopback addresses and one port, a real BIND 9 serving the
 * service's name, and a writer that keeps inserting through the name while the wave runs. After the
 * cutover every acknowledged insert is on the target, the lag was visible while it replicated, and the
 * downtime (no acknowledged write) is measured and printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LEDGER_NAME, ledgerSystem, sql, startLedgerWriter, startPgCutover, type PgCutoverRig } from '../support/pg-cutover.js';
import { loadPlanningInputs } from '../../migrations/inputs.js';
import { buildPlan } from '../../migrations/plan.js';
import { journalPath, planPath, runWave } from '../../migrations/execute.js';
import { Journal } from '../../migrations/journal.js';
import { readStatusInputs } from '../../migrations/metrics.js';
import { migrationStatus } from '../../migrations/status.js';
import { stableJson, writeFileAtomically } from '../../lib/files.js';
import { sleep } from '../../lab/shell.js';

const root = process.getuid?.() === 0;
let rig: PgCutoverRig;

describe.skipIf(!root)('a PostgreSQL system by logical replication, cut over at zero lag with writes paused', () => {
  beforeAll(async () => {
    rig = await startPgCutover({ sourceAddress: '127.0.0.2', targetAddress: '127.0.0.3', dirPrefix: 'stacks-migpg-' });
  });
  afterAll(async () => {
    await rig?.stop();
  });

  it('keeps every acknowledged write through the cutover and measures the downtime', async () => {
    const { state, source, target, names, runbook } = rig;
    const inputs = await loadPlanningInputs(join(import.meta.dirname, '../../inventory'), { count: 1 });
    const plan = buildPlan([ledgerSystem(inputs.registry.classes.at(-1)!.id)], inputs.registry, { file: 'test' });
    expect(plan.waves[0]!.systems[0]!.database).toBe('postgresql');
    await writeFileAtomically(planPath(state), stableJson(plan));

    const writer = startLedgerWriter(rig);
    let watching = true;
    let lagSeen = false;
    const watcher = (async () => {
      while (watching) {
        const inputs = readStatusInputs(state);
        const x = inputs && migrationStatus(inputs.plan, inputs.rows, inputs.rounds).waves[0]!.systems[0];
        if (x?.lag && x.state === 'replicating') lagSeen = true;
        await sleep(100);
      }
    })();
    await sleep(500);
    const result = await runWave({ stateDir: state, plan, wave: 1, runbook, concurrency: 1, retries: 1, backoffMs: 100 });
    await sleep(1000);
    await writer.stop();
    watching = false;
    await watcher;
    const acked = writer.acked;
    expect(result.systems[0], JSON.stringify(result)).toMatchObject({ id: 'finance-ledger', state: 'finalized' });
    expect(lagSeen).toBe(true);

    // 0 acknowledged writes lost: each acked n is on the target, which the name now points at
    expect(await names.lookup(LEDGER_NAME)).toBe('127.0.0.3');
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
    const downtime = steps['switch-name'].downtime_seconds as number;
    console.log(
      `finance-ledger (PostgreSQL): ${acked.length} acknowledged writes, 0 lost; downtime ${downtime.toFixed(2)} s (freeze → name switched), longest gap between acknowledged writes ${writer.longestGap().toFixed(2)} s`,
    );
    expect(downtime).toBeLessThan(10);
    // the source is read-only now: a write there is refused
    await expect(sql(source.url, 'INSERT INTO ledger (n) VALUES (0)')).rejects.toThrow(/read-only/);
  }, 180_000);
});
