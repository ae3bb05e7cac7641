/**
 * Uplink oversubscription per level: for every site with children, the capacity its children's
 * uplinks bring in (sum over their uplink links) against the capacity of its own uplinks; for the
 * province, against the unified internet exit. Reported as max and median per parent level. It is
 * a report, and fails only where a ratio exceeds a threshold the caller sets.
 */
import type { Level, Topology } from '../types.js';
import type { VerificationCheck, VerificationFailure } from './report.js';

export type OversubscriptionThreshold = number | Partial<Record<Level, number>>;

interface LevelOversubscription {
  level: Level;
  /** The tiers of the children's uplinks counted here (e.g. county-township for county parents). */
  tiers: string[];
  parents: number;
  max: number;
  median: number;
  /** Parent site with the highest ratio. */
  worst: string;
}

interface SiteOversubscription {
  site: string;
  level: Level;
  tiers: string[];
  downstreamMbps: number;
  upstreamMbps: number;
  ratio: number;
}

function oversubscriptionBySite(topology: Topology): SiteOversubscription[] {
  const siteOfDevice = new Map(topology.devices.map((d) => [d.id, d.site]));
  const up = new Map<string, number>();
  const down = new Map<string, number>();
  const tiers = new Map<string, Set<string>>();
  for (const link of topology.links) {
    if (link.kind !== 'uplink') continue;
    const parent = siteOfDevice.get(link.a.device);
    const child = siteOfDevice.get(link.b.device);
    if (!parent || !child || parent === child) continue;
    up.set(child, (up.get(child) ?? 0) + link.bandwidthMbps);
    down.set(parent, (down.get(parent) ?? 0) + link.bandwidthMbps);
    (tiers.get(parent) ?? tiers.set(parent, new Set()).get(parent)!).add(link.tier);
  }
  const out: SiteOversubscription[] = [];
  for (const site of topology.sites) {
    const downstream = down.get(site.id);
    if (!downstream) continue;
    const upstream = site.parent === undefined ? topology.exit.bandwidthMbps : (up.get(site.id) ?? 0);
    out.push({
      site: site.id,
      level: site.level,
      tiers: [...(tiers.get(site.id) ?? [])].sort(),
      downstreamMbps: downstream,
      upstreamMbps: upstream,
      ratio: upstream > 0 ? downstream / upstream : Infinity,
    });
  }
  return out;
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarizeByLevel(sites: SiteOversubscription[]): LevelOversubscription[] {
  const byLevel = new Map<Level, SiteOversubscription[]>();
  for (const s of sites) {
    const list = byLevel.get(s.level);
    if (list) list.push(s);
    else byLevel.set(s.level, [s]);
  }
  const order: Level[] = ['province', 'city', 'county', 'township', 'department', 'datacenter'];
  return order
    .filter((l) => byLevel.has(l))
    .map((level) => {
      const list = byLevel.get(level)!;
      const ratios = list.map((s) => s.ratio).sort((a, b) => a - b);
      const worst = list.reduce((w, s) => (s.ratio > w.ratio || (s.ratio === w.ratio && s.site < w.site) ? s : w));
      const levelTiers = [...new Set(list.flatMap((s) => s.tiers))].sort();
      return { level, tiers: levelTiers, parents: list.length, max: ratios[ratios.length - 1]!, median: median(ratios), worst: worst.site };
    });
}

function thresholdFor(t: OversubscriptionThreshold | undefined, level: Level): number | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'number' ? t : t[level];
}

const round = (x: number) => Math.round(x * 100) / 100;

export function oversubscriptionCheck(topology: Topology, threshold?: OversubscriptionThreshold): VerificationCheck {
  const sites = oversubscriptionBySite(topology);
  const levels = summarizeByLevel(sites);
  const failures: VerificationFailure[] = [];
  for (const s of sites) {
    const limit = thresholdFor(threshold, s.level);
    if (limit !== undefined && s.ratio > limit) {
      const own = s.level === 'province' ? 'the internet exit' : 'its own uplinks';
      failures.push({
        object: `site:${s.site}`,
        message: `children bring ${s.downstreamMbps} Mbps onto ${s.upstreamMbps} Mbps of ${own}: ${round(s.ratio)}:1 exceeds ${limit}:1`,
      });
    }
  }
  const notes = levels.map(
    (l) =>
      `${l.level.padEnd(10)} ${String(l.parents).padStart(5)} parents  max ${round(l.max)}:1 (${l.worst})  median ${round(l.median)}:1` +
      `  over ${l.tiers.join(', ')}${l.level === 'province' ? ' (against the internet exit)' : ''}`,
  );
  return {
    id: 'capacity.oversubscription',
    title: 'uplink oversubscription per level (children uplink capacity : own uplink capacity)',
    passed: failures.length === 0,
    failures,
    details: { levels: levels.map((l) => ({ ...l, max: round(l.max), median: round(l.median) })), threshold: threshold ?? null },
    notes,
  };
}
