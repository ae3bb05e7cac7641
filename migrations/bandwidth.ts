/**
 * Bandwidth per tier (pure): the path a system's replication takes through the province's network —
 * from its site up the site tree to the common ancestor and down to the target cloud's site — the
 * narrowest link on it (a township's 200M uplink, a county's 2G…, from the topology's tiers), and
 * the throttle: a configurable share of that link, split between the systems of one wave that
 * replicate over the same narrowest link, so that the wave never takes more than the share and the
 * link's other traffic keeps the rest. The wave's bandwidth plan is part of `migrate plan`.
 *
 * A site pair is dual-homed (`links: 2`); the throttle is a share of ONE link, so that losing a link
 * mid-wave does not starve the site's other traffic.
 */
import type { Level, Site, Topology } from '../network/types.js';

export interface Hop {
  /** Child site → parent site, as the site tree has it (the direction of the data does not change the link). */
  child: string;
  parent: string;
  tier: string;
  mbps: number;
  links: number;
}

interface SystemBandwidth {
  id: string;
  from: string;
  to: string;
  hops: number;
  /** The narrowest hop (first one of that speed from the source). */
  bottleneck: Hop;
  /** What replication of this system may use, Mbps. */
  throttle_mbps: number;
  /** How long the initial sync of its data takes at the throttle. */
  initial_sync_hours: number;
}

export interface WaveBandwidth {
  share: number;
  systems: SystemBandwidth[];
  /** Per narrowest link: how many of the wave's systems share it and what they may take together. */
  links: Array<{ link: string; mbps: number; systems: number; throttle_mbps: number }>;
  /** The wave's initial sync at the throttles: the slowest system. */
  initial_sync_hours: number;
}

/** 1 GiB in megabits. */
const MBIT_PER_GIB = (8 * 1024 ** 3) / 1e6;

export interface PathModel {
  site(id: string): Site | undefined;
  tier(parent: Level, child: Level): { id: string; bandwidthMbps: number; links: number } | undefined;
}

export function pathModel(t: Pick<Topology, 'sites' | 'tiers'>): PathModel {
  const sites = new Map(t.sites.map((s) => [s.id, s]));
  const tiers = new Map(t.tiers.map((x) => [`${x.parent}>${x.child}`, x]));
  return { site: (id) => sites.get(id), tier: (p, c) => tiers.get(`${p}>${c}`) };
}

/** The hops between two sites through their lowest common ancestor; undefined when a site is unknown. */
export function pathBetween(m: PathModel, from: string, to: string): Hop[] | undefined {
  const up = (id: string): Site[] | undefined => {
    const chain: Site[] = [];
    for (let s = m.site(id); s; s = s.parent ? m.site(s.parent) : undefined) chain.push(s);
    return chain.length ? chain : undefined;
  };
  const a = up(from);
  const b = up(to);
  if (!a || !b) return undefined;
  const inB = new Set(b.map((s) => s.id));
  const meet = a.findIndex((s) => inB.has(s.id));
  const bMeet = b.findIndex((s) => s.id === a[meet]!.id);
  const hop = (child: Site): Hop => {
    const parent = m.site(child.parent!)!;
    const tier = m.tier(parent.level, child.level);
    // a site pair the tiers do not describe is an inventory gap: count it as the slowest tier
    return { child: child.id, parent: parent.id, tier: tier?.id ?? `${parent.level}-${child.level}`, mbps: tier?.bandwidthMbps ?? 0, links: tier?.links ?? 1 };
  };
  return [...a.slice(0, meet).map(hop), ...b.slice(0, bMeet).reverse().map(hop)];
}

export interface BandwidthInput {
  id: string;
  from: string;
  to: string;
  dataGiB: number;
}

/** The wave's bandwidth plan at `share` (0 < share ≤ 1) of each narrowest link. */
export function waveBandwidth(m: PathModel, systems: readonly BandwidthInput[], share: number): WaveBandwidth {
  const found = systems.map((s) => {
    const hops = pathBetween(m, s.from, s.to) ?? [];
    const bottleneck = hops.reduce<Hop | undefined>((n, h) => (!n || h.mbps < n.mbps ? h : n), undefined) ?? {
      child: s.from,
      parent: s.to,
      tier: 'same-site',
      mbps: 10_000,
      links: 1,
    };
    return { s, hops, bottleneck, link: `${bottleneck.child}~${bottleneck.parent}` };
  });
  const sharing = new Map<string, number>();
  for (const f of found) sharing.set(f.link, (sharing.get(f.link) ?? 0) + 1);
  const out: SystemBandwidth[] = found.map(({ s, hops, bottleneck, link }) => {
    const throttle = round((bottleneck.mbps * share) / sharing.get(link)!);
    return {
      id: s.id,
      from: s.from,
      to: s.to,
      hops: hops.length,
      bottleneck,
      throttle_mbps: throttle,
      initial_sync_hours: throttle > 0 ? round((s.dataGiB * MBIT_PER_GIB) / throttle / 3600) : Infinity,
    };
  });
  const links = [...sharing]
    .map(([link, n]) => {
      const b = found.find((f) => f.link === link)!.bottleneck;
      return { link, mbps: b.mbps, systems: n, throttle_mbps: round(b.mbps * share) };
    })
    .sort((a, b) => a.mbps - b.mbps || (a.link < b.link ? -1 : 1));
  return { share, systems: out, links, initial_sync_hours: out.reduce((n, s) => Math.max(n, s.initial_sync_hours), 0) };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** rsync's --bwlimit (KiB/s) for a throttle in Mbps, scaled down for a lab run at `rateScale` (1 = real). */
export function bwlimitKiB(throttleMbps: number, rateScale = 1): number {
  return Math.max(1, Math.floor((throttleMbps * 1e6) / 8 / 1024 / rateScale));
}
