/**
 * 两网整合: the phased cutover from the two legacy extranets (国网 national node, 省网 provincial) onto
 * the one dual-stack network of the model, built on 国网. Pure: topology in, plan data out.
 *
 * Phases run in order: the unified internet exit first, then the province core, the horizontal
 * sites on it (departments, data centres), cities, counties, townships. A site lands in the first
 * phase of its level that is not earlier than its parent's, so a site moves only with or after its
 * parent (a data centre on a city moves with the cities, after its city). Each step lists the links,
 * the addresses (legacy → new, per family) and the device configs that change, with the number of
 * config lines per dialect. Every config line of every device is attributed to exactly one step:
 * a link's interface lines to the step of the site below it (the link moves with the child), the
 * exit links to the exit phase, everything else to the device's own site.
 */
import { StacksError } from '../lib/errors.js';
import { DIALECTS, DIALECT_IDS, type DialectId, type LineCounts } from './render/index.js';
import type { Device, DualStack, LegacyNetwork, Level, Link, Site, Topology } from './types.js';

/** The legacy network the unified extranet is built on (the plan: 从省网向国网融合). */
const TARGET_NETWORK: LegacyNetwork = 'guowang';

export interface PhaseSpec {
  id: string;
  title: string;
  levels: Level[];
}

export const PHASES: readonly PhaseSpec[] = [
  { id: 'exit', title: '统一互联网出口 unify the internet exit at the province', levels: [] },
  { id: 'province-core', title: '省级核心 province core', levels: ['province'] },
  { id: 'horizontal', title: '省直部门与数据中心 departments and data centres on the province core', levels: ['department', 'datacenter'] },
  { id: 'cities', title: '市级 cities', levels: ['city'] },
  { id: 'counties', title: '县级 counties', levels: ['county'] },
  { id: 'townships', title: '乡镇 townships', levels: ['township'] },
];

/** readdress: on 国网 already, moves to the new plan; migrate: on 省网 only, moves over; connect: on neither today. */
type MergeAction = 'readdress' | 'migrate' | 'connect';

interface FamilyChange {
  /** The legacy address or prefix, null when there is none (every IPv6 address is new). */
  from: string | null;
  to: string;
}

interface AddressChange {
  what: 'loopback' | 'lan' | 'link' | 'internet-handoff';
  /** The device (loopback, hand-off) or link the address belongs to; the site for a LAN. */
  owner: string;
  ipv4: FamilyChange;
  ipv6: FamilyChange;
}

interface LinkChange {
  id: string;
  tier: string;
  a: string;
  b: string;
  bandwidthMbps: number;
  area: string;
  subnet: DualStack;
}

interface DeviceChange {
  device: string;
  /** new: the device's own cutover (its whole config); changed: lines for links that move now. */
  change: 'new' | 'changed';
  lines: Record<DialectId, number>;
}

export interface MergeStep {
  site: string;
  name: string;
  level: Level;
  parent?: string;
  legacy: LegacyNetwork[];
  action: MergeAction;
  /** Legacy networks the site leaves in this step (its 省网 attachment; 国网 becomes the new network). */
  retires: LegacyNetwork[];
  links: LinkChange[];
  addresses: AddressChange[];
  devices: DeviceChange[];
}

interface MergeTotals {
  sites: number;
  links: number;
  addresses: number;
  devices: number;
  lines: Record<DialectId, number>;
}

interface MergePhase {
  index: number;
  id: string;
  title: string;
  steps: MergeStep[];
  totals: MergeTotals;
}

export interface MergePlan {
  province: { id: string; name: string };
  target: LegacyNetwork;
  phases: MergePhase[];
  /** Distinct sites in the plan (the province appears in two phases: exit and core). */
  sites: number;
  totals: MergeTotals;
}

export function buildMergePlan(topology: Topology): MergePlan {
  const sites = new Map(topology.sites.map((s) => [s.id, s]));
  const devices = new Map(topology.devices.map((d) => [d.id, d]));
  const phaseOf = assignPhases(topology, sites);
  const stepKey = (phase: number, site: string) => `${phase}|${site}`;
  const steps = new Map<string, MergeStep>();
  const ensure = (phase: number, site: Site): MergeStep => {
    const key = stepKey(phase, site.id);
    let step = steps.get(key);
    if (!step) {
      step = {
        site: site.id,
        name: site.name,
        level: site.level,
        parent: site.parent,
        legacy: [...site.legacy].sort(),
        action: actionOf(site),
        retires: site.legacy.filter((n) => n !== TARGET_NETWORK).sort(),
        links: [],
        addresses: [],
        devices: [],
      };
      steps.set(key, step);
    }
    return step;
  };
  const province = sites.get(topology.exit.site) ?? topology.sites.find((s) => !s.parent)!;
  const exitStep = ensure(0, province);

  /** The step a device's own lines belong to. */
  const ownStep = (d: Device): MergeStep => (d.role === 'exit' ? exitStep : ensure(phaseOf.get(d.site)!, sites.get(d.site)!));
  /** The step a link moves in. */
  const linkStep = (l: Link): MergeStep => {
    if (l.kind === 'exit') return exitStep;
    const child = childSiteOf(l, devices, sites);
    return ensure(phaseOf.get(child.id)!, child);
  };

  // Sites in parent-first order so that steps are created (and listed) parents first.
  for (const site of parentFirst(topology)) ensure(phaseOf.get(site.id)!, site);

  for (const link of topology.links) {
    const step = linkStep(link);
    step.links.push({
      id: link.id,
      tier: link.tier,
      a: `${link.a.device}:${link.a.interface}`,
      b: `${link.b.device}:${link.b.interface}`,
      bandwidthMbps: link.bandwidthMbps,
      area: link.area,
      subnet: link.subnet,
    });
    step.addresses.push({ what: 'link', owner: link.id, ipv4: { from: null, to: link.subnet.ipv4 }, ipv6: { from: null, to: link.subnet.ipv6 } });
  }
  for (const site of topology.sites) {
    const step = ensure(phaseOf.get(site.id)!, site);
    step.addresses.push({
      what: 'lan',
      owner: site.id,
      ipv4: { from: site.legacyAddressing?.lanIpv4 ?? null, to: site.lan.ipv4 },
      ipv6: { from: null, to: site.lan.ipv6 },
    });
  }
  for (const device of topology.devices) {
    const site = sites.get(device.site)!;
    // The site's single legacy loopback is replaced by its first router's.
    const legacyLoopback = device.role !== 'exit' && device.index === 1 ? (site.legacyAddressing?.loopbackIpv4 ?? null) : null;
    ownStep(device).addresses.push({
      what: 'loopback',
      owner: device.id,
      ipv4: { from: legacyLoopback, to: device.loopback.ipv4 },
      ipv6: { from: null, to: device.loopback.ipv6 },
    });
  }
  for (const h of topology.exit.handoffs ?? []) {
    exitStep.addresses.push({
      what: 'internet-handoff',
      owner: `${h.device}:${h.interface}`,
      ipv4: { from: null, to: h.ipv4 },
      ipv6: { from: null, to: h.ipv6 },
    });
  }
  attributeLines(topology, devices, ownStep, linkStep);

  const phases: MergePhase[] = PHASES.map((spec, index) => {
    const inPhase = [...steps.entries()].filter(([key]) => Number(key.split('|')[0]) === index).map(([, s]) => s);
    for (const s of inPhase) {
      s.links.sort((a, b) => cmp(a.id, b.id));
      s.addresses.sort((a, b) => cmp(a.what, b.what) || cmp(a.owner, b.owner));
      s.devices.sort((a, b) => cmp(a.device, b.device));
    }
    return { index: index + 1, id: spec.id, title: spec.title, steps: inPhase, totals: totalsOf(inPhase) };
  });
  const plan: MergePlan = {
    province: topology.province,
    target: TARGET_NETWORK,
    phases,
    sites: topology.sites.length,
    totals: totalsOf(phases.flatMap((p) => p.steps)),
  };
  plan.totals.sites = topology.sites.length;
  assertParentFirst(plan);
  return plan;
}

function attributeLines(topology: Topology, devices: Map<string, Device>, ownStep: (d: Device) => MergeStep, linkStep: (l: Link) => MergeStep): void {
  const links = new Map(topology.links.map((l) => [l.id, l]));
  for (const device of devices.values()) {
    const own = ownStep(device);
    const perStep = new Map<MergeStep, Record<DialectId, number>>();
    const add = (step: MergeStep, dialect: DialectId, n: number) => {
      const rec = perStep.get(step) ?? (Object.fromEntries(DIALECT_IDS.map((d) => [d, 0])) as Record<DialectId, number>);
      rec[dialect] += n;
      perStep.set(step, rec);
    };
    for (const dialect of DIALECT_IDS) {
      const counts: LineCounts = DIALECTS[dialect].lineCounts(topology, device.id);
      let moved = 0;
      for (const iface of device.interfaces) {
        const n = counts.byInterface[iface.name] ?? 0;
        const link = iface.link === undefined ? undefined : links.get(iface.link);
        const step = link ? linkStep(link) : own;
        if (step !== own) {
          add(step, dialect, n);
          moved += n;
        }
      }
      add(own, dialect, counts.total - moved);
    }
    for (const [step, lines] of perStep) step.devices.push({ device: device.id, change: step === own ? 'new' : 'changed', lines });
  }
}

/** A site's phase: the first phase of its level that is not before its parent's. */
function assignPhases(topology: Topology, sites: Map<string, Site>): Map<string, number> {
  const phaseOf = new Map<string, number>();
  for (const site of parentFirst(topology)) {
    const base = PHASES.findIndex((p) => p.levels.includes(site.level));
    if (base < 0)
      throw new StacksError({ code: 'E_MERGE_LEVEL', kind: 'runtime', message: `no merge phase takes sites of level "${site.level}" (${site.id})` });
    const parent = site.parent === undefined ? undefined : phaseOf.get(site.parent);
    if (site.parent !== undefined && !sites.has(site.parent))
      throw new StacksError({ code: 'E_UNKNOWN_PARENT', kind: 'runtime', message: `site ${site.id} names unknown parent ${site.parent}` });
    phaseOf.set(site.id, Math.max(base, parent ?? 0));
  }
  return phaseOf;
}

/** Breadth-first from the root(s): parents before children, siblings by id. */
function parentFirst(topology: Topology): Site[] {
  const children = new Map<string, Site[]>();
  for (const s of topology.sites) if (s.parent) children.set(s.parent, [...(children.get(s.parent) ?? []), s]);
  const out: Site[] = topology.sites.filter((s) => !s.parent).sort((a, b) => cmp(a.id, b.id));
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!.id) ?? []).sort((a, b) => cmp(a.id, b.id)));
  return out;
}

function childSiteOf(link: Link, devices: Map<string, Device>, sites: Map<string, Site>): Site {
  const a = sites.get(devices.get(link.a.device)!.site)!;
  const b = sites.get(devices.get(link.b.device)!.site)!;
  if (link.kind === 'peer') return a;
  if (b.parent === a.id) return b;
  if (a.parent === b.id) return a;
  throw new StacksError({ code: 'E_MERGE_LINK', kind: 'runtime', message: `uplink ${link.id} joins ${a.id} and ${b.id}, which are not parent and child` });
}

function actionOf(site: Site): MergeAction {
  if (site.legacy.includes(TARGET_NETWORK)) return 'readdress';
  return site.legacy.length ? 'migrate' : 'connect';
}

/** The plan's invariant: a site's first step comes after its parent's first step (same phase: listed later). */
export function assertParentFirst(plan: MergePlan): void {
  const seen = new Set<string>();
  for (const phase of plan.phases) {
    for (const step of phase.steps) {
      if (step.parent !== undefined && !seen.has(step.parent)) {
        throw new StacksError({ code: 'E_MERGE_ORDER', kind: 'runtime', message: `${step.site} moves in phase ${phase.id} before its parent ${step.parent}` });
      }
      seen.add(step.site);
    }
  }
}

function totalsOf(steps: MergeStep[]): MergeTotals {
  const lines = Object.fromEntries(DIALECT_IDS.map((d) => [d, 0])) as Record<DialectId, number>;
  const devices = new Set<string>();
  let links = 0;
  let addresses = 0;
  for (const s of steps) {
    links += s.links.length;
    addresses += s.addresses.length;
    for (const d of s.devices) {
      devices.add(d.device);
      for (const id of DIALECT_IDS) lines[id] += d.lines[id];
    }
  }
  return { sites: new Set(steps.map((s) => s.site)).size, links, addresses, devices: devices.size, lines };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
