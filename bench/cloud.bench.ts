/**
 * Cloud benchmarks (issue limits in brackets):
 * - synth of the cloud and DR stacks for 1+11+8 clouds (+3 DR pools), 100 departments and 1,200
 *   systems, from the model to Terraform JSON on disk [≤ 10 s, ≤ 800 MB peak RSS]. The topology is
 *   the network issue's input and is built before the clock starts (its time printed apart);
 *   peak RSS is the whole process's (process.resourceUsage().maxRSS), topology included.
 * - placement of 10,000 systems [≤ 1 s] (median of 5 runs).
 * The 100-department province is the default inventory plus 60 generated departments, with every
 * availability zone tripled so that 100 tenants' quotas fit; systems come from the migrations
 * generator (seeded).
 */
import { App } from 'cdktn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from '../cloud/load.js';
import { buildRegistry } from '../cloud/registry.js';
import { placeSystems } from '../cloud/placement.js';
import { toPlacementSystem } from '../cloud/systems.js';
import { contextFromInventory, generateSystems } from '../migrations/generate-systems.js';
import { buildCloudModel } from '../stacks/cloud/model.js';
import { loadTerraformBuilders } from '../stacks/terraform-builders.js';

await loadTerraformBuilders();
import { contributionsOf } from '../stacks/cloud/index.js';

const BUDGET_MS = 10 * 60_000;

function hundredDepartments(inv: Inventory): Inventory {
  const departments = [...inv.departments.departments];
  for (let i = departments.length + 1; departments.length < 100; i++)
    departments.push({ id: `bureau-${String(i).padStart(3, '0')}`, name: `省直单位${i}`, legacy: ['shengwang'] });
  const doc = structuredClone(inv.extra.clouds) as { clouds: Array<{ availability_zones: Array<{ vcpu: number; ram_gib: number; storage_tib: number }> }> };
  for (const c of doc.clouds)
    for (const az of c.availability_zones) Object.assign(az, { vcpu: az.vcpu * 3, ram_gib: az.ram_gib * 3, storage_tib: az.storage_tib * 3 });
  return { ...inv, departments: { departments }, extra: { ...inv.extra, clouds: doc } };
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error('cloud bench: over its time budget, giving up');
    process.exit(1);
  }, BUDGET_MS);
  const inv = hundredDepartments(await loadInventory());
  let t = performance.now();
  const topology = buildTopology(inv);
  console.log(`cloud_bench_topology_build: ${((performance.now() - t) / 1000).toFixed(2)} s (input, not counted)`);

  const clouds = loadClouds(inv)!;
  const systems = generateSystems(contextFromInventory(inv, clouds), { seed: 20220630, count: 1200 })
    .filter((s) => s.lifecycle !== 'sunset')
    .map(toPlacementSystem);
  const out = mkdtempSync(join(tmpdir(), 'stacks-cloud-bench-'));
  try {
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const model = buildCloudModel(inv, topology, { systems, allowUnplaced: true })!;
    const tModel = performance.now() - t;
    const contributions = contributionsOf(model, { kind: 'local', stateDir: '.stacks', outdir: 'cdktf.out' }, dirname(inv.paths.province!));
    const app = new App({ outdir: out, stackTraces: false });
    for (const c of contributions) c.build?.(app, { inventory: inv, topology });
    const tBuild = performance.now() - t;
    app.synth();
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const stacks = contributions.filter((c) => c.build).length;
    const resources = app.node
      .findAll()
      .filter((c) => (c as { terraformResourceType?: string }).terraformResourceType?.startsWith('openstack_') && 'friendlyUniqueId' in c).length;
    console.log(
      `cloud_synth_clouds: ${model.registry.clouds.length} clouds (${model.registry.clouds.filter((c) => c.kind !== 'dr').length} 1+11+N, ${model.registry.clouds.filter((c) => c.kind === 'dr').length} DR pools)`,
    );
    console.log(`cloud_synth_departments: ${inv.departments.departments.length} departments`);
    console.log(`cloud_synth_systems: ${systems.length} systems (${model.placement.placed.length} placed)`);
    console.log(`cloud_synth_stacks: ${stacks} stacks (${resources} resources)`);
    console.log(`cloud_synth_model: ${(tModel / 1000).toFixed(2)} s`);
    console.log(`cloud_synth_construct: ${((tBuild - tModel) / 1000).toFixed(2)} s`);
    console.log(
      `cloud_synth_cpu_seconds: ${cpuSeconds.toFixed(2)} s (CPU time of this process; the machine's load was ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`,
    );
    console.log(`cloud_synth_seconds: ${seconds.toFixed(2)} s (limit 10 s: ${seconds <= 10 ? 'within' : 'OVER'})`);
    console.log(`cloud_synth_peak_rss: ${rssMb.toFixed(0)} MB (limit 800 MB: ${rssMb <= 800 ? 'within' : 'OVER'})`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const base = await loadInventory();
  const baseTopology = buildTopology(base);
  const registry = buildRegistry(base, baseTopology, loadClouds(base)!);
  const tenK = generateSystems(contextFromInventory(base, loadClouds(base)!), { seed: 7, count: 10_000 }).map(toPlacementSystem);
  const runs: number[] = [];
  let placed = 0;
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    const p = placeSystems(registry, tenK);
    runs.push(performance.now() - t);
    placed = p.placed.length;
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]! / 1000;
  console.log(`placement_10k_seconds: ${median.toFixed(3)} s (median of 5; ${placed} of ${tenK.length} placed; limit 1 s: ${median <= 1 ? 'within' : 'OVER'})`);
  clearTimeout(guard);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
