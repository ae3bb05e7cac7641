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

const RUNS = 5;

function measure(topology: Topology): { bestMs: number; medianMs: number; passed: boolean } {
  const times: number[] = [];
  let passed = false;
  verifyTopology(topology); // warm-up: JIT and ip-address parsing caches
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    passed = verifyTopology(topology).summary.passed;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { bestMs: times[0]!, medianMs: times[times.length >> 1]!, passed };
}

const deadline = Date.now() + 240_000;
const full = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
const base = measure(full);
console.log(`verify_sites: ${full.sites.length} sites`);
console.log(`verify_devices: ${full.devices.length} devices`);
console.log(`verify_links: ${full.links.length} links`);
console.log(`verify_full_province: ${base.medianMs.toFixed(1)} ms (median of ${RUNS}; best ${base.bestMs.toFixed(1)}; target <= 5000)`);
console.log(`verify_full_province_passed: ${base.passed ? 1 : 0} bool`);

if (Date.now() < deadline) {
  const big = buildTopology(generateProvince({ scale: 4, seed: 7 }));
  const grown = measure(big);
  console.log(`verify_4x_sites: ${big.sites.length} sites`);
  console.log(`verify_4x_devices: ${big.devices.length} devices`);
  console.log(`verify_4x_links: ${big.links.length} links`);
  console.log(`verify_4x_province: ${grown.medianMs.toFixed(1)} ms (median of ${RUNS}; best ${grown.bestMs.toFixed(1)})`);
  console.log(`verify_4x_passed: ${grown.passed ? 1 : 0} bool`);
  console.log(`verify_growth_ratio: ${(grown.medianMs / base.medianMs).toFixed(2)} x (4x the sites; target <= 5)`);
}
