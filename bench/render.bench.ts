/**
 * Device configurations for the full province: every device rendered in every dialect (FRR, VRP),
 * devices per second and total milliseconds per dialect (best of a few runs, bounded to ~20 s).
 */
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { DIALECTS, DIALECT_IDS } from '../network/render/index.js';
import { buildMergePlan } from '../network/merge-plan.js';

const topology = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
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
  for (const device of devices) DIALECTS[id].render(topology, device);
  console.log(`render_${id}_first_pass: ${(performance.now() - cold).toFixed(1)} ms`);
  let bytes = 0;
  const ms = best(() => {
    bytes = 0;
    for (const device of devices) bytes += DIALECTS[id].render(topology, device).length;
  });
  all += ms;
  console.log(`render_${id}_total: ${ms.toFixed(1)} ms`);
  console.log(`render_${id}_rate: ${Math.round((devices.length / ms) * 1000)} devices/s`);
  console.log(`render_${id}_output: ${(bytes / 1e6).toFixed(2)} MB`);
}
console.log(`render_all_dialects_total: ${all.toFixed(1)} ms`);
const planMs = best(() => buildMergePlan(topology), 3);
console.log(`merge_plan_total: ${planMs.toFixed(1)} ms`);
