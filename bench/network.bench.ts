/**
 * Issue 2's figures for the full province: IPAM (≤ 0.5 s), `stacks synth` wall time (≤ 5 s) and
 * peak RSS (≤ 600 MB) measured on the real CLI in a child process, and growth to a generated
 * province 4× larger (≤ 5× the time). Verification has its own bench (verify.bench.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory, DEFAULT_INVENTORY_DIR, type Inventory } from '../inventory/load.js';
import { planAddresses } from '../network/ipam.js';
import { buildTopology } from '../network/topology.js';
import { generateProvince } from '../network/generate-province.js';

const repo = resolve(import.meta.dirname, '..', '..');

function best<T>(runs: number, fn: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

function synthCli(inventoryDir: string, extra: string[] = []): { seconds: number; rssMb: number } {
  const work = mkdtempSync(join(tmpdir(), 'stacks-bench-'));
  try {
    const inv = join(work, 'inventory');
    cpSync(inventoryDir, inv, { recursive: true, filter: (s) => !s.endsWith('.ts') });
    // The first run fills the ledger; the measured run is the everyday one (ledger complete).
    const args = [join(repo, 'bin', 'stacks.js'), '--inventory', inv, '--json', 'synth', '--output', join(work, 'out'), ...extra];
    spawnSync(process.execPath, args, { encoding: 'utf8' });
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    const seconds = (performance.now() - t) / 1000;
    if (r.status !== 0) throw new Error(`synth failed: ${r.stderr}`);
    return { seconds, rssMb: JSON.parse(r.stdout).peak_rss_mb };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const inv = await loadInventory(DEFAULT_INVENTORY_DIR);
const ipam = best(5, () => planAddresses(inv));
const topo = best(5, () => buildTopology(inv, ipam.value));
console.log(`sites: ${ipam.value.sites.length}`);
console.log(`devices: ${topo.value.devices.length}`);
console.log(`links: ${topo.value.links.length}`);
console.log(`ipam_full_province: ${ipam.ms.toFixed(1)} ms (target <= 500)`);
console.log(`topology_build: ${topo.ms.toFixed(1)} ms`);

// The province's network (issue 2's figure) and the whole command with the cloud, DR and monitoring stacks.
const network = synthCli(DEFAULT_INVENTORY_DIR, ['--stack', 'backbone']);
console.log(`synth_network_wall: ${network.seconds.toFixed(2)} s (target <= 5)`);
console.log(`synth_network_peak_rss: ${network.rssMb} MB (target <= 600)`);
const synth = synthCli(DEFAULT_INVENTORY_DIR);
console.log(`synth_all_stacks_wall: ${synth.seconds.toFixed(2)} s`);
console.log(`synth_all_stacks_peak_rss: ${synth.rssMb} MB`);

const big: Inventory = generateProvince({ scale: 4, seed: 7 });
const bigIpam = best(3, () => planAddresses(big));
const bigTopo = best(3, () => buildTopology(big, bigIpam.value));
console.log(`sites_4x: ${bigIpam.value.sites.length}`);
console.log(`ipam_4x: ${bigIpam.ms.toFixed(1)} ms`);
console.log(`ipam_growth_ratio: ${(bigIpam.ms / ipam.ms).toFixed(2)} (target <= 5)`);
console.log(`model_growth_ratio: ${((bigIpam.ms + bigTopo.ms) / (ipam.ms + topo.ms)).toFixed(2)} (target <= 5)`);
