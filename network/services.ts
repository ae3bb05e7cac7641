/**
 * The published services' VIPs as reachability targets, from the model alone (pure): per cloud
 * every VIP in both families, and per site the VIPs it must reach — those of the provincial cloud
 * and of its own city's cloud. The config-level verifier asks "does every township reach these,
 * in both families, under every single failure"; the lab curls one.
 */
import type { Family, PublishedService, Site, Topology } from './types.js';
import { FAMILIES } from './types.js';

export interface ServiceTarget {
  /** `<cloud>/<service>` */
  service: string;
  /** `cloud:<id>` */
  owner: string;
  family: Family;
  /** The VIP (no length). */
  address: string;
  port: number;
  protocol: PublishedService['protocol'];
  /** The router whose provider network holds the VIP (where the path ends). */
  device: string;
  site: string;
}

function targets(s: PublishedService): ServiceTarget[] {
  return FAMILIES.map((family) => ({
    service: s.id,
    owner: s.owner,
    family,
    address: s.vip[family],
    port: s.port,
    protocol: s.protocol,
    device: s.device,
    site: s.site,
  }));
}

/** Every published VIP, grouped by cloud id (`provincial`, `xian`, …), both families, in model order. */
export function publishedServiceVips(topology: Topology): Map<string, ServiceTarget[]> {
  const out = new Map<string, ServiceTarget[]>();
  for (const s of topology.services ?? []) {
    const cloud = s.owner.replace(/^cloud:/, '');
    const list = out.get(cloud) ?? [];
    list.push(...targets(s));
    out.set(cloud, list);
  }
  return out;
}

/** The city a site belongs to (itself for a city; undefined for the province and its departments). */
function cityOf(topology: Topology, siteId: string): string | undefined {
  const byId = new Map<string, Site>(topology.sites.map((s) => [s.id, s]));
  for (let s = byId.get(siteId); s; s = s.parent ? byId.get(s.parent) : undefined) if (s.level === 'city') return s.id;
  return undefined;
}

/** What a site must reach: the provincial cloud's services and its city cloud's, both families. */
export function requiredServiceTargets(topology: Topology, siteId: string): ServiceTarget[] {
  const city = cityOf(topology, siteId);
  return (topology.services ?? [])
    .filter((s) => s.cloudKind === 'provincial' || (s.cloudKind === 'city' && s.audience.kind === 'city' && s.audience.city === city))
    .flatMap(targets);
}
