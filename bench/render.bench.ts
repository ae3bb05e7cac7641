/**
 * Device configurations for the full province: every device rendered in every dialect (FRR, VRP),
 * devices per second and total milliseconds per dialect (best of a few runs, bounded to ~20 s).
 */
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { DIALECT_IDS, type DialectId } from '../network/render/index.js';
import { renderFrr } from '../network/render/frr.js';
import { renderVrp } from '../network/render/vrp.js';
import { buildMergePlan } from '../network/merge-plan.js';
import type { Topology } from '../network/types.js';

// The renderers themselves: DIALECTS caches each device's output per topology, so timing through it
// would measure the cache after the first pass.
const RENDER: Record<DialectId, (topology: Topology, device: string) => string> = { frr: renderFrr, vrp: renderVrp };
const inventory = await loadInventory(DEFAULT_INVENTORY_DIR);
const topology = buildTopology(inventory);
const devices = topology.devices.map((d) => d.id);
console.log(`devices: ${devices.length}`);

const deadline = performance.now() + 20_000;
function best(fn: () => void, runs = 5): number {
  let ms = Infinity;
  for (let i = 0; i < runs && (i === 0 || performance.now() < deadline); i++) {
    const t = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return ms;
}

let all = 0;
for (const id of DIALECT_IDS) {
  // The first pass is what one `stacks synth` pays (cold caches and JIT); then the best warm pass.
  const cold = performance.now();
  for (const device of devices) RENDER[id](topology, device);
  console.log(`render_${id}_first_pass: ${(performance.now() - cold).toFixed(1)} ms`);
  let bytes = 0;
  const ms = best(() => {
    bytes = 0;
    for (const device of devices) bytes += RENDER[id](topology, device).length;
  });
  all += ms;
  console.log(`render_${id}_total: ${ms.toFixed(1)} ms`);
  console.log(`render_${id}_rate: ${Math.round((devices.length / ms) * 1000)} devices/s`);
  console.log(`render_${id}_output: ${(bytes / 1e6).toFixed(2)} MB`);
}
console.log(`render_all_dialects_total: ${all.toFixed(1)} ms`);
// A fresh topology per run: the merge plan's line counts come from the dialects' per-topology cache.
const planMs = best(() => buildMergePlan(buildTopology(inventory)), 3);
console.log(`merge_plan_total: ${planMs.toFixed(1)} ms (includes building the topology and rendering every device for its line counts)`);
