/**
 * PostgreSQL cutover downtime (issue 14: ≤ 10 s, 0 acknowledged writes lost). Each run: two real
 * clusters (scripts/pg-test-cluster.sh) on loopback addresses of their own, a real BIND 9 serving the
 * system's name, 20,000 rows on the source, and a writer inserting one row at a time through the name
 * while the database runbook moves the system by logical replication. After the cutover every
 * acknowledged insert must be on the target. Prints per run and the median: the downtime the runbook
 * measures (freeze → name switched) and the longest gap between two acknowledged writes (what the
 * writer saw). BENCH_PG_RUNS runs (default 3). Starts real components: run it under the heavy lock.
 */
import { join } from 'node:path';
import { ledgerSystem, sql, startLedgerWriter, startPgCutover } from '../test/support/pg-cutover.js';
import { loadPlanningInputs } from '../migrations/inputs.js';
import { buildPlan } from '../migrations/plan.js';
import { journalPath, runWave } from '../migrations/execute.js';
import { Journal } from '../migrations/journal.js';
import { sleep } from '../lab/shell.js';

const hardStop = setTimeout(() => {
  console.error('migrations-pg bench: over its 10-minute budget, stopping');
  process.exit(1);
}, 10 * 60_000);
hardStop.unref();

interface RunResult {
  acked: number;
  lost: number;
  downtime: number;
  gap: number;
  state: string;
}

async function once(run: number): Promise<RunResult> {
  // loopback addresses of the bench's own (test/migrations/postgres.test.ts uses 127.0.0.2 and .3)
  const rig = await startPgCutover({ sourceAddress: '127.0.0.12', targetAddress: '127.0.0.13', dirPrefix: 'stacks-bench-pg-' });
  try {
    const inputs = await loadPlanningInputs(join(import.meta.dirname, '../../inventory'), { count: 1 });
    const plan = buildPlan([ledgerSystem(inputs.registry.classes.at(-1)!.id)], inputs.registry, { file: 'bench' });
    const writer = startLedgerWriter(rig);
    await sleep(500);
    const result = await runWave({ stateDir: rig.state, plan, wave: 1, runbook: rig.runbook, concurrency: 1, retries: 1, backoffMs: 100 });
    await sleep(1000);
    await writer.stop();
    const onTarget = new Set((await sql<{ n: number }>(rig.target.url, 'SELECT n FROM ledger WHERE n > 0')).map((r) => r.n));
    const j = new Journal(journalPath(rig.state), { readonly: true });
    const switched = JSON.parse(j.step('finance-ledger', 'switch-name')?.detail ?? '{}') as { downtime_seconds?: number };
    j.close();
    const r: RunResult = {
      acked: writer.acked.length,
      lost: writer.acked.filter((a) => !onTarget.has(a.n)).length,
      downtime: switched.downtime_seconds ?? Number.NaN,
      gap: writer.longestGap(),
      state: result.systems[0]?.state ?? 'unknown',
    };
    console.log(
      `postgresql run ${run}: ${r.state}; ${r.acked} acknowledged writes, ${r.lost} lost; downtime ${r.downtime.toFixed(2)} s (freeze → name switched), longest gap between acknowledged writes ${r.gap.toFixed(2)} s`,
    );
    return r;
  } finally {
    await rig.stop();
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
