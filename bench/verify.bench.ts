/**
 * Verification figures (issue 2, part 8): the whole of `verifyTopology` — reachability, bridges
 * and articulation points with the cut-off sites, duplicates, prefix overlap, oversubscription —
 * over both families, on the full province (target ≤ 5 s) and on a generated province 4× larger
 * (target ≤ 5× the time). Topology building is measured apart: it is the lead's bench's figure.
 */
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { generateProvince } from '../network/generate-province.js';
import { verifyTopology } from '../network/verify/index.js';
import type { Topology } from '../network/types.js';

const RUNS = 7;
/** `--expose-gc` (bench/run.mjs passes it): collect between runs so one run's garbage is not the next one's pause. */
const gc = (globalThis as { gc?: () => void }).gc;

interface Figures {
  medianMs: number;
  bestMs: number;
  /** CPU time (user + system) of the best run: on a shared machine it counts our work, not the wait for a core. */
  bestCpuMs: number;
  passed: boolean;
}

function measure(topology: Topology): Figures {
  const wall: number[] = [];
  const cpu: number[] = [];
  let passed = false;
  verifyTopology(topology); // warm-up: JIT
  for (let i = 0; i < RUNS; i++) {
    gc?.();
    const c = process.cpuUsage();
    const t = performance.now();
    passed = verifyTopology(topology).summary.passed;
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { bestMs: wall[0]!, medianMs: wall[wall.length >> 1]!, bestCpuMs: cpu[0]!, passed };
}

const deadline = Date.now() + 240_000;
const full = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
const base = measure(full);
console.log(`verify_sites: ${full.sites.length} sites`);
console.log(`verify_devices: ${full.devices.length} devices`);
console.log(`verify_links: ${full.links.length} links`);
console.log(`verify_full_province: ${base.medianMs.toFixed(1)} ms (median of ${RUNS}; target <= 5000)`);
console.log(`verify_full_province_best: ${base.bestMs.toFixed(1)} ms`);
console.log(`verify_full_province_cpu: ${base.bestCpuMs.toFixed(1)} ms`);
console.log(`verify_full_province_passed: ${base.passed ? 1 : 0} bool`);

if (Date.now() < deadline) {
  const big = buildTopology(generateProvince({ scale: 4, seed: 7 }));
  const grown = measure(big);
  console.log(`verify_4x_sites: ${big.sites.length} sites`);
  console.log(`verify_4x_devices: ${big.devices.length} devices`);
  console.log(`verify_4x_links: ${big.links.length} links`);
  console.log(`verify_4x_province: ${grown.medianMs.toFixed(1)} ms (median of ${RUNS})`);
  console.log(`verify_4x_province_best: ${grown.bestMs.toFixed(1)} ms`);
  console.log(`verify_4x_province_cpu: ${grown.bestCpuMs.toFixed(1)} ms`);
  console.log(`verify_4x_passed: ${grown.passed ? 1 : 0} bool`);
  // On a shared 2-core machine wall time mostly measures the other processes; the ratio of CPU time
  // (best of the runs) is the figure that says how the work grows. Wall ratios are printed beside it.
  console.log(`verify_growth_ratio: ${(grown.bestCpuMs / base.bestCpuMs).toFixed(2)} x (CPU time, best of ${RUNS} each; 4x the sites; target <= 5)`);
  console.log(`verify_growth_ratio_wall_best: ${(grown.bestMs / base.bestMs).toFixed(2)} x`);
  console.log(`verify_growth_ratio_wall_median: ${(grown.medianMs / base.medianMs).toFixed(2)} x`);
}
