/**
 * Config-level verification figures (issue 10): the full province, both dialects, both families —
 * render, parse, control plane, the questions, and every single link, device and exit-upstream
 * failure — with time per phase, peak RSS, and the model-level verification in the same run for
 * comparison. Target: ≤ 10 s and ≤ 1 GB for all of it. The dialects run in parallel threads, as
 * `stacks verify --failures` runs them; the CPU figure counts every thread.
 */
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { verifyTopology } from '../network/verify/index.js';
import { verifyConfigsInThreads } from '../cli/commands/verify-threads.js';
import { DIALECT_IDS } from '../network/render/index.js';

const topology = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let t = performance.now();
let c = cpu();
const model = verifyTopology(topology);
console.log(`verify_model: ${(performance.now() - t).toFixed(1)} ms (cpu ${(cpu() - c).toFixed(1)} ms; passed ${model.summary.passed ? 1 : 0})`);
// What `stacks verify --failures` runs: every dialect in its own worker thread (cli/commands/verify-threads.ts).
t = performance.now();
c = cpu();
const results = await verifyConfigsInThreads(DIALECT_IDS.map((dialect) => ({ topology, dialect })));
const wall = performance.now() - t;
const used = cpu() - c;
results.forEach((r, i) => {
  const dialect = DIALECT_IDS[i]!;
  const own = r.renderMs + r.timings.parseMs + r.timings.controlPlaneMs + r.timings.questionsMs;
  console.log(`verify_configs_${dialect}_render: ${r.renderMs.toFixed(1)} ms`);
  console.log(`verify_configs_${dialect}_parse: ${r.timings.parseMs.toFixed(1)} ms`);
  console.log(`verify_configs_${dialect}_control_plane: ${r.timings.controlPlaneMs.toFixed(1)} ms`);
  console.log(`verify_configs_${dialect}_questions_and_failures: ${r.timings.questionsMs.toFixed(1)} ms (${r.scenarios.ipv4} + ${r.scenarios.ipv6} scenarios)`);
  console.log(`verify_configs_${dialect}_total: ${own.toFixed(1)} ms (its thread; passed ${r.report.summary.passed ? 1 : 0})`);
});
console.log(`verify_configs_all: ${wall.toFixed(1)} ms (cpu ${used.toFixed(1)} ms, every thread; ${results.length} dialects in parallel; target <= 10000)`);
console.log(`verify_configs_peak_rss: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (target <= 1024)`);
