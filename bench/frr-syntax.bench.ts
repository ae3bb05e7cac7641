/**
 * The FRR syntax gate (`stacks verify --syntax`, and every `stacks deploy` push) over the whole
 * province's rendered FRR configs: the batched, parallel gate against one vtysh process per file
 * (the plain way; measured on a sample and scaled, since the full serial run takes minutes), with
 * the ratio. Both must agree on every file of the sample.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { renderedFrrFiles } from '../cli/commands/verify-syntax.js';
import { checkFrrSyntax } from '../lib/frr-syntax.js';

/** CPU seconds (user + system) of this process's finished children, i.e. the vtysh runs (/proc/self/stat cutime + cstime). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const topology = buildTopology(await loadInventory(DEFAULT_INVENTORY_DIR));
const t0 = performance.now();
const files = renderedFrrFiles(topology);
const renderMs = performance.now() - t0;
console.log(`frr_syntax_files: ${files.length} files`);
console.log(`frr_syntax_render: ${renderMs.toFixed(0)} ms`);
console.log(`frr_syntax_cores: ${availableParallelism()} cores`);

const runs: number[] = [];
const cpu: number[] = [];
let findings = 0;
for (let i = 0; i < 3; i++) {
  const c = childCpuSeconds();
  const r = await checkFrrSyntax(files);
  cpu.push(childCpuSeconds() - c);
  runs.push(r.seconds);
  findings = r.findings.length;
  if (i === 0) console.log(`frr_syntax_processes: ${r.processes} vtysh runs`);
}
runs.sort((a, b) => a - b);
const batched = runs[1]!;
console.log(`frr_syntax_batched: ${batched.toFixed(2)} s (median of 3, all ${files.length} files)`);
console.log(`frr_syntax_batched_cpu: ${Math.min(...cpu).toFixed(2)} s (vtysh CPU, best of 3)`);
console.log(`frr_syntax_findings: ${findings} lines rejected`);

const SAMPLE = 100;
const sample = files.filter((_, i) => i % Math.floor(files.length / SAMPLE) === 0).slice(0, SAMPLE);
const c0 = childCpuSeconds();
const single = await checkFrrSyntax(sample, { batchSize: 1, parallel: 1 });
const singleCpu = childCpuSeconds() - c0;
const perFileMs = (single.seconds * 1000) / sample.length;
const perFileCpuMs = (singleCpu * 1000) / sample.length;
console.log(
  `frr_syntax_one_process_per_file: ${perFileMs.toFixed(1)} ms per file wall, ${perFileCpuMs.toFixed(1)} ms CPU (serial, sample of ${sample.length})`,
);
console.log(
  `frr_syntax_one_process_per_file_full: ${((perFileMs * files.length) / 1000).toFixed(1)} s wall, ${((perFileCpuMs * files.length) / 1000).toFixed(1)} s CPU (scaled to ${files.length} files)`,
);
console.log(
  `frr_syntax_speedup: ${((perFileMs * files.length) / 1000 / batched).toFixed(1)} x wall, ${((perFileCpuMs * files.length) / 1000 / Math.min(...cpu)).toFixed(1)} x CPU`,
);
const again = await checkFrrSyntax(sample);
console.log(`frr_syntax_batched_agrees: ${JSON.stringify(again.findings) === JSON.stringify(single.findings) ? 1 : 0} bool`);
