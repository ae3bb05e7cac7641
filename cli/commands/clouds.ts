/**
 * `stacks clouds`: the multi-cloud manager's view — every cloud with its capacity, tenant quotas,
 * what placement puts on it, the DR replication pairs over the backbone, and indicators 7 and 8.
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { inputError } from '../../lib/errors.js';
import { buildTopology } from '../../network/topology.js';
import { buildCloudModel, type CloudModel } from '../../stacks/cloud/model.js';
import { indicator7, indicator8 } from '../../cloud/indicators.js';
import { sum } from '../../cloud/resources.js';

export function cloudsReport(m: CloudModel) {
  const placedOn = new Map<string, number>();
  const replicasOn = new Map<string, number>();
  for (const p of m.placement.placed) {
    placedOn.set(p.cloud, (placedOn.get(p.cloud) ?? 0) + 1);
    for (const r of p.replicas) replicasOn.set(r.cloud, (replicasOn.get(r.cloud) ?? 0) + 1);
  }
  const unplaced: Record<string, number> = {};
  for (const u of m.placement.unplaced) unplaced[u.kind] = (unplaced[u.kind] ?? 0) + 1;
  return {
    systems: { origin: m.source.origin, file: m.source.file, sample: m.source.sample, total: m.systems.length, placed: m.placement.placed.length, unplaced },
    clouds: m.registry.clouds.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      industry: c.industry,
      site: c.location.site,
      centre: c.location.centre,
      region: c.region,
      keystone: c.keystone,
      managed: c.managed,
      availability_zones: c.availabilityZones.map((z) => z.name),
      capacity: c.capacity,
      quota: sum(c.tenants.map((t) => t.quota)),
      used: m.placement.usage.find((u) => u.cloud === c.id)?.used ?? { vcpu: 0, ramGiB: 0, storageTiB: 0 },
      tenants: c.tenants.length,
      systems: placedOn.get(c.id) ?? 0,
      replicas: replicasOn.get(c.id) ?? 0,
    })),
    dr: {
      layout: Object.fromEntries(Object.entries(m.dr.layout).map(([k, v]) => [k, v?.id])),
      classes: m.dr.classes.map((c) => ({ id: c.id, level: c.level, rpo_s: c.rpoS, rto_s: c.rtoS, replicas: c.replicas, systems: c.systems })),
      pairs: m.dr.pairs.map((p) => ({
        id: p.id,
        from: p.fromSite,
        to: p.toCentre,
        role: p.role,
        systems: p.systems,
        replicas: p.replicas,
        required_mbps: round(p.requiredMbps),
        path: p.path?.sites,
        bottleneck_mbps: p.path?.bottleneckMbps,
      })),
      problems: m.dr.problems,
    },
    indicators: [indicator7(m.registry), indicator8(m.registry, m.systems, m.placement)],
    placement: m.placement.placed,
    unplaced: m.placement.unplaced,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const pct = (used: number, of: number) => (of > 0 ? `${Math.round((used / of) * 100)}%` : '-');

function renderText(r: ReturnType<typeof cloudsReport>, verbose: boolean): string {
  const lines = [
    `${r.clouds.length} clouds; ${r.systems.total} systems (${r.systems.origin === 'sample' ? `generated sample, seed ${r.systems.sample?.seed}` : r.systems.file}): ${r.systems.placed} placed, ${
      Object.entries(r.systems.unplaced)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || 'none unplaced'
    }`,
    '',
    `${'cloud'.padEnd(18)} ${'kind'.padEnd(10)} ${'site'.padEnd(16)} mgd ${'vCPU cap'.padStart(8)} ${'quota'.padStart(6)} ${'used'.padStart(5)} ${'RAM GiB'.padStart(8)} ${'used'.padStart(5)} ${'TiB'.padStart(6)} ${'used'.padStart(5)} ${'sys'.padStart(5)} ${'repl'.padStart(5)}`,
  ];
  for (const c of r.clouds) {
    lines.push(
      `${c.id.padEnd(18)} ${c.kind.padEnd(10)} ${c.site.padEnd(16)} ${c.managed ? 'yes' : 'no '} ${String(c.capacity.vcpu).padStart(8)} ${pct(c.quota.vcpu, c.capacity.vcpu).padStart(6)} ${pct(c.used.vcpu, c.capacity.vcpu).padStart(5)} ${String(c.capacity.ramGiB).padStart(8)} ${pct(c.used.ramGiB, c.capacity.ramGiB).padStart(5)} ${String(c.capacity.storageTiB).padStart(6)} ${pct(c.used.storageTiB, c.capacity.storageTiB).padStart(5)} ${String(c.systems).padStart(5)} ${String(c.replicas).padStart(5)}`,
    );
  }
  lines.push(
    '',
    `DR layout: production ${r.dr.layout.production}, same-city ${r.dr.layout.sameCity}, remote ${r.dr.layout.remote} (alternative ${r.dr.layout.remoteAlternative})`,
  );
  for (const c of r.dr.classes)
    lines.push(
      `  class ${c.id}: GB/T 20988 level ${c.level}, RPO ${c.rpo_s}s, RTO ${c.rto_s}s, ${c.replicas.map((x) => `${x.mode}→${x.role}`).join(' + ')}; ${c.systems} systems`,
    );
  lines.push('', `${'replication pair'.padEnd(32)} ${'systems'.padStart(7)} ${'Mbps'.padStart(8)} ${'bottleneck'.padStart(10)}  path`);
  for (const p of r.dr.pairs)
    lines.push(
      `${p.id.padEnd(32)} ${String(p.systems).padStart(7)} ${String(p.required_mbps).padStart(8)} ${String(p.bottleneck_mbps ?? '-').padStart(10)}  ${p.path?.join(' > ') ?? 'NO PATH'}`,
    );
  lines.push(
    r.dr.problems.length ? `backbone problems:\n${r.dr.problems.map((p) => `  ${p}`).join('\n')}` : 'replication fits the backbone links between the centres',
  );
  lines.push('');
  for (const i of r.indicators)
    lines.push(`indicator ${i.id} ${i.name}: ${(i.value * 100).toFixed(1)}% (${i.numerator}/${i.denominator}; targets: stacks kpi)`);
  const failed = r.unplaced.filter((u) => u.kind !== 'classified');
  if (failed.length) {
    lines.push('', `${failed.length} systems cannot be placed:`);
    for (const u of verbose ? failed : failed.slice(0, 10)) lines.push(`  ${u.system}: ${u.reason}`);
    if (!verbose && failed.length > 10) lines.push(`  … ${failed.length - 10} more (--verbose)`);
  }
  return lines.join('\n');
}

export const cloudsCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('clouds')
      .description(
        'list the 1+11+N clouds and DR pools: capacity, tenant quotas, placement of the systems, DR replication over the backbone, indicators 7 and 8',
      )
      .action(async () => {
        const g = globals();
        const inventory = await loadInventory(g.inventory);
        const model = buildCloudModel(inventory, buildTopology(inventory), { allowUnplaced: true });
        if (!model)
          throw inputError(
            'E_NO_CLOUDS',
            inventory.paths.province!,
            'files.clouds',
            'this inventory names no clouds file',
            'add `clouds: clouds.yaml` under files',
          );
        const report = cloudsReport(model);
        emit(g, report, () => renderText(report, g.verbose));
      });
  },
};
