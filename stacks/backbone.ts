/**
 * The extranet/backbone stack: the address plan, every device's configuration in every dialect, and
 * the reports over them. Its cdktf stack carries the plan's headline figures as outputs so that
 * Terraform-side tooling sees the same numbers as the files.
 */
import type { App } from 'cdktn';
import { terraformBuilders } from './terraform-builders.js';
import { stableJson } from '../lib/files.js';
import { blockUsage } from '../network/ipam-report.js';
import type { IpamPlan } from '../network/ipam.js';
import type { Topology } from '../network/types.js';
import type { StackContribution, SynthContext } from './contribution.js';
import { DIALECTS } from '../network/render/index.js';
import { buildMergePlan } from '../network/merge-plan.js';
import { renderMergePlanJson, renderMergePlanMarkdown } from '../network/merge-plan-markdown.js';
import { mergeProgress, type MergeStatus } from '../network/merge-status.js';
import { assessPrivateNetworks } from '../network/private-networks.js';
import type { Inventory } from '../inventory/load.js';
import { defaultBackend } from './cloud/backend-choice.js';

export { BACKBONE_STACK } from './names.js';
import { BACKBONE_STACK } from './names.js';

export function backboneStack(ipam: IpamPlan, extraFiles: (ctx: SynthContext) => Map<string, string> = () => new Map()): StackContribution {
  return {
    name: BACKBONE_STACK,
    build: (app: App, ctx: SynthContext) =>
      terraformBuilders().buildBackboneStack(app, ctx.topology, ctx.backend ?? defaultBackend(ctx.inventory.province.terraform)),
    files(ctx: SynthContext) {
      const files = new Map<string, string>();
      files.set('address-plan.json', stableJson(addressPlan(ctx.topology)));
      files.set('ipam-utilisation.json', stableJson(blockUsage(ipam)));
      files.set('model.json', stableJson(ctx.topology));
      for (const [name, dialect] of Object.entries(DIALECTS)) {
        for (const device of ctx.topology.devices)
          files.set(`configs/${name}/${device.hostname}.${dialect.fileExtension}`, dialect.render(ctx.topology, device.id));
      }
      for (const [k, v] of extraFiles(ctx)) files.set(k, v);
      return files;
    },
  };
}

/** The address plan a person reviews: per site its blocks and LAN, per device its loopbacks, per link its subnets. */
function addressPlan(t: Topology) {
  return {
    supernets: t.supernets,
    sites: t.sites.map((s) => ({ id: s.id, name: s.name, level: s.level, parent: s.parent, block: s.block, infra: s.infra, lan: s.lan })),
    loopbacks: t.devices.map((d) => ({ device: d.id, router_id: d.routerId, ipv4: d.loopback.ipv4, ipv6: d.loopback.ipv6 })),
    links: t.links.map((l) => ({
      id: l.id,
      tier: l.tier,
      a: `${l.a.device}:${l.a.interface}`,
      b: `${l.b.device}:${l.b.interface}`,
      ipv4: l.subnet.ipv4,
      ipv6: l.subnet.ipv6,
    })),
    internet_exit: t.exit,
  };
}

/**
 * The plans that sit beside the configs: the 两网整合 merge plan with its progress (indicator 1,
 * from the inventory's merge-status file) and the 专网整合 private-network targets (indicator 2).
 */
export function backbonePlanFiles(topology: Topology, inventory: Inventory, status: MergeStatus): Map<string, string> {
  const plan = buildMergePlan(topology);
  const progress = mergeProgress(plan, status);
  return new Map([
    ['merge-plan.json', renderMergePlanJson(plan, progress)],
    ['merge-plan.md', renderMergePlanMarkdown(plan, progress)],
    ['private-networks.json', stableJson(assessPrivateNetworks(inventory.privateNetworks))],
  ]);
}
