/**
 * DR drill on the default lab: one production-centre-loss drill end to end (pre-checks, failure,
 * failover, RTO/RPO, post-checks, restore) and the RTO of the synchronous class. Limits from the
 * issue: drill ≤ 120 s, RTO ≤ 30 s. The lab is deployed first (its time printed apart: it is the
 * lab's own figure; brought up as `stacks dr drill --deploy` does) unless one already runs under
 * STACKS_DR_BENCH_STATE (lab id drb); it is destroyed after.
 * Needs root (namespaces); without it, says so and exits 0 with no figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { labUpForDrill } from '../dr/lab-up.js';
import { destroyLab } from '../lab/destroy.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { runDrill } from '../dr/drill.js';

const LAB = 'drb';
const BUDGET_MS = 15 * 60_000;

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('dr bench: skipped (needs root for network namespaces)');
    return;
  }
  const given = process.env.STACKS_DR_BENCH_STATE;
  const stateDir = given ?? mkdtempSync('/tmp/stx-dr-bench-');
  const guard = setTimeout(() => {
    console.error('dr bench: over its time budget, giving up');
    process.exit(1);
  }, BUDGET_MS);
  try {
    if (!given) {
      const t0 = Date.now();
      const d = await labUpForDrill({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB });
      console.log(
        `dr_lab_up_default_scope: ${((Date.now() - t0) / 1000).toFixed(1)} s (${d.devices} devices, converged in ${d.convergence.seconds.toFixed(1)} s; not part of the drill figure)`,
      );
    }
    const t1 = Date.now();
    const { report } = await runDrill({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scenario: 'production-loss' });
    const drillS = (Date.now() - t1) / 1000;
    console.log(`dr_drill_production_loss_end_to_end: ${drillS.toFixed(1)} s (limit 120 s: ${drillS <= 120 ? 'within' : 'OVER'})`);
    console.log(
      `dr_rto_sync_class_${report.class.id}: ${report.rto_s ?? 'never'} s (limit 30 s: ${report.rto_s !== null && report.rto_s <= 30 ? 'within' : 'OVER'}; class target ${report.class.rto_s} s)`,
    );
    const runbook = report.steps.filter((x) => x.phase === 'runbook').reduce((t, x) => t + x.duration_s, 0);
    console.log(
      `dr_failover_runbook: ${runbook.toFixed(2)} s (confirm loss, fence, promote, move the address, re-point; the rest of the RTO is routing and the writer's reconnect)`,
    );
    console.log(`dr_writes_lost: ${report.writes_lost} writes (of ${report.writes_acked} acknowledged; class RPO ${report.class.rpo_s} s)`);
    console.log(`dr_drill_passed: ${report.passed ? 1 : 0} bool${report.passed ? '' : ` (${report.failures.join('; ')})`}`);
  } finally {
    clearTimeout(guard);
    if (!given) {
      await destroyLab({ stateDir, lab: LAB });
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`dr bench failed: ${String(err)}`);
    process.exit(1);
  },
);
