/**
 * The lab, timed: from nothing to converged (every loopback answers from every device over IPv4 and
 * IPv6), a no-op redeploy, and destroy — for ~10, the default (27) and ~50 devices. Also the
 * measured memory per device (PSS summed over every process in the lab's namespaces), which backs
 * PER_DEVICE_MIB in lab/capacity.ts. Targets from the issue: default scope ≤ 60 s, no-op ≤ 10 s,
 * destroy ≤ 15 s. Needs root; bounds its own run time (skips larger scopes past a budget).
 */
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { deployLab } from '../lab/deploy.js';
import { destroyLab, findLeftovers } from '../lab/destroy.js';

const SCOPES: Array<{ name: string; scope: string | undefined }> = [
  { name: '10', scope: 'cities=xian;counties=1;townships=2;datacenters=none' },
  { name: 'default', scope: undefined },
  { name: '50', scope: 'cities=xian,yulin,baoji;counties=2;townships=4;departments=1' },
];
const BUDGET_MS = 15 * 60_000;

function pssMiB(pids: number[]): number {
  let kb = 0;
  for (const p of pids) {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('lab: skipped (needs root for network namespaces)');
    return;
  }
  const started = Date.now();
  console.log(`load_average_at_start: ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} (shared host; figures scale with it)`);
  // STACKS_LAB_BENCH_SCOPES=10,default runs a subset (the names above).
  const only = process.env.STACKS_LAB_BENCH_SCOPES?.split(',');
  for (const s of SCOPES.filter((x) => !only || only.includes(x.name))) {
    if (Date.now() - started > BUDGET_MS) {
      console.log(`lab_${s.name}: skipped (bench budget of ${BUDGET_MS / 60000} min spent)`);
      continue;
    }
    const stateDir = mkdtempSync('/tmp/stx-bench-');
    chmodSync(stateDir, 0o755);
    const lab = 'bench';
    const opts = { stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab, scope: s.scope, parallel: 4, confirmSeconds: 600, checkTimeoutMs: 180_000 };
    try {
      const first = await deployLab(opts);
      const n = first.devices;
      console.log(`lab_${s.name}_devices: ${n} devices`);
      console.log(
        `lab_${s.name}_deploy_to_converged: ${first.seconds.toFixed(1)} s (converged=${first.convergence?.converged}, changed=${first.changed}, rolled back=${first.rolledBack}, failed=${first.failed}; target for the default scope ≤ 60 s)`,
      );
      console.log(`lab_${s.name}_deploy_phases: ${first.phases.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ')}`);
      const left = await findLeftovers(lab);
      const pids = left.processes;
      const mem = pssMiB(pids);
      console.log(`lab_${s.name}_memory_total: ${mem.toFixed(0)} MiB (${pids.length} processes)`);
      console.log(`lab_${s.name}_memory_per_device: ${(mem / n).toFixed(1)} MiB`);
      const second = await deployLab(opts);
      console.log(`lab_${s.name}_noop_redeploy: ${second.seconds.toFixed(1)} s (changed=${second.changed}; target ≤ 10 s)`);
    } finally {
      const t = Date.now();
      const d = await destroyLab({ stateDir, lab });
      console.log(`lab_${s.name}_destroy: ${((Date.now() - t) / 1000).toFixed(1)} s (${d.namespaces} namespaces, ${d.processes} processes; target ≤ 15 s)`);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }
  const leftovers = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('stx-bench-'));
  console.log(`lab_leftover_namespaces: ${leftovers.length} namespaces`);
}

await main();
