/**
 * Two sites, three centres (两地三中心): the layout (production, same-city DR, remote DR and its
 * switchable alternative), the protection classes with their GB/T 20988 levels, which system
 * replicates where, and whether the backbone between the centres carries the replication traffic.
 *
 * Traffic check: the replicas of every (primary site → replica centre) pair are summed (Mbps per
 * `replicas.ts`); the pair's traffic follows the widest backbone path between the two sites; each
 * link's load (all pairs crossing it) must stay within `max_link_share` of its bandwidth, so that
 * replication never takes the bandwidth the business traffic needs.
 */
import type { Topology } from '../network/types.js';
import { pathFinder, type BackbonePath } from './paths.js';
import type { Centre, CloudRegistry, Placement, ProtectionClass, ReplicaMode, CentreRole, System } from './types.js';

interface DrLayout {
  production?: Centre;
  sameCity?: Centre;
  remote?: Centre;
  remoteAlternative?: Centre;
}

export interface ReplicationPair {
  /** `dr-<source site>-<target centre>` with dots as dashes: also the DR stack's name. */
  id: string;
  /** Topology site of the primaries (a centre or a city site). */
  fromSite: string;
  /** The replica centre and its DR pool. */
  toCentre: string;
  toSite: string;
  toCloud: string;
  role: CentreRole;
  /** The clouds whose systems replicate over this pair, sorted. */
  fromClouds: string[];
  /** Departments with replicas over this pair, per source cloud (for DR tenants and backup containers). */
  departments: Record<string, string[]>;
  replicas: Record<ReplicaMode, number>;
  systems: number;
  requiredMbps: number;
  path?: BackbonePath;
}

/** Replication load on one site-to-site hop (its parallel links together). */
interface LinkLoad {
  /** `siteA~siteB` (sorted), e.g. `dc.yulin-dc~yulin`. */
  link: string;
  links: string[];
  bandwidthMbps: number;
  loadMbps: number;
  allowedMbps: number;
  pairs: string[];
}

export interface DrReport {
  layout: DrLayout;
  classes: Array<ProtectionClass & { systems: number }>;
  pairs: ReplicationPair[];
  links: LinkLoad[];
  /** Links whose replication load exceeds the allowed share, and pairs with no path at all. */
  problems: string[];
}

function drLayout(reg: CloudRegistry): DrLayout {
  const by = (role: CentreRole) => reg.centres.find((c) => c.role === role);
  return { production: by('production'), sameCity: by('same-city-dr'), remote: by('remote-dr'), remoteAlternative: by('remote-dr-alternative') };
}

/** Replication pairs from a placement: every (primary site, replica centre) with its traffic. */
function replicationPairs(reg: CloudRegistry, placement: Placement): ReplicationPair[] {
  const clouds = new Map(reg.clouds.map((c) => [c.id, c]));
  const centres = new Map(reg.centres.map((c) => [c.id, c]));
  const pairs = new Map<string, ReplicationPair>();
  const deptOf = departmentLookup(reg);
  for (const p of placement.placed) {
    const from = clouds.get(p.cloud)!;
    for (const r of p.replicas) {
      const to = centres.get(r.centre)!;
      const id = `dr-${from.location.site}-${to.id}`.replace(/\./g, '-');
      let pair = pairs.get(id);
      if (!pair) {
        pair = {
          id,
          fromSite: from.location.site,
          toCentre: to.id,
          toSite: to.site,
          toCloud: r.cloud,
          role: r.role,
          fromClouds: [],
          departments: {},
          replicas: { sync: 0, async: 0, backup: 0 },
          systems: 0,
          requiredMbps: 0,
        };
        pairs.set(id, pair);
      }
      if (!pair.fromClouds.includes(from.id)) pair.fromClouds.push(from.id);
      const depts = (pair.departments[from.id] ??= []);
      const dept = deptOf(p.tenant, p.cloud);
      if (!depts.includes(dept)) depts.push(dept);
      pair.replicas[r.mode]++;
      pair.systems++;
      pair.requiredMbps += r.mbps;
    }
  }
  const out = [...pairs.values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const p of out) {
    p.fromClouds.sort();
    for (const k of Object.keys(p.departments)) p.departments[k]!.sort();
  }
  return out;
}

function departmentLookup(reg: CloudRegistry): (project: string, cloud: string) => string {
  const map = new Map<string, string>();
  for (const c of reg.clouds) for (const t of c.tenants) map.set(`${c.id}/${t.project}`, t.department);
  return (project, cloud) => map.get(`${cloud}/${project}`) ?? project;
}

export function drReport(reg: CloudRegistry, systems: readonly System[], placement: Placement, topology: Topology): DrReport {
  const pairs = replicationPairs(reg, placement);
  const finder = pathFinder(topology);
  const loads = new Map<string, LinkLoad>();
  const problems: string[] = [];
  for (const pair of pairs) {
    pair.path = finder.widest(pair.fromSite, pair.toSite);
    if (!pair.path) {
      problems.push(`${pair.id}: no backbone path from ${pair.fromSite} to ${pair.toSite}`);
      continue;
    }
    for (const hop of pair.path.hops) {
      const link = [hop.from, hop.to].sort().join('~');
      const bw = hop.capacityMbps;
      let l = loads.get(link);
      if (!l) loads.set(link, (l = { link, links: [...hop.links].sort(), bandwidthMbps: bw, loadMbps: 0, allowedMbps: bw * reg.dr.maxLinkShare, pairs: [] }));
      l.loadMbps += pair.requiredMbps;
      l.pairs.push(pair.id);
    }
  }
  const links = [...loads.values()].sort((a, b) => b.loadMbps / b.allowedMbps - a.loadMbps / a.allowedMbps || a.link.localeCompare(b.link));
  for (const l of links) {
    if (l.loadMbps > l.allowedMbps) {
      problems.push(
        `backbone ${l.link} (${l.links.join(', ')}): replication needs ${l.loadMbps.toFixed(1)} Mbps, over ${(reg.dr.maxLinkShare * 100).toFixed(0)}% of its ${l.bandwidthMbps} Mbps (pairs: ${l.pairs.join(', ')})`,
      );
    }
  }
  const classOf = new Map(systems.map((s) => [s.id, s.protectionClass]));
  const counts = systemsPerClass(placement, (id) => classOf.get(id));
  return {
    layout: drLayout(reg),
    classes: reg.classes.map((c) => ({ ...c, systems: counts.get(c.id) ?? 0 })),
    pairs,
    links,
    problems,
  };
}

/** Count placed systems per class (the report shows how many systems each class protects). */
function systemsPerClass(placement: Placement, classOf: (system: string) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of placement.placed) {
    const c = classOf(p.system);
    if (c) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return counts;
}
