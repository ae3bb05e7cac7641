import type { Level } from '../../network/types.js';
import { definePolicy, type Violation } from '../types.js';

/** NET-003: every uplink runs at its tier's bandwidth, and each site has its tier's link count. */
export const linkBandwidthPerTier = definePolicy({
  id: 'NET-003',
  title: 'links run at their tier bandwidth',
  severity: 'hard',
  description:
    "Each uplink's bandwidth equals the inventory tier table's figure for its parent and child levels, and each site has the tier's number of uplinks.",
  requires: ['topology'],
  check({ topology }) {
    const levelOf = new Map(topology.sites.map((s) => [s.id, s.level]));
    const siteOf = new Map(topology.devices.map((d) => [d.id, d.site]));
    const tierOf = (parent: Level, child: Level) => topology.tiers.find((t) => t.parent === parent && t.child === child);
    const out: Violation[] = [];
    const counts = new Map<string, number>();
    for (const l of topology.links) {
      if (l.kind !== 'uplink') continue;
      const child = siteOf.get(l.b.device);
      const parent = siteOf.get(l.a.device);
      if (!child || !parent) continue;
      counts.set(child, (counts.get(child) ?? 0) + 1);
      const tier = tierOf(levelOf.get(parent)!, levelOf.get(child)!);
      if (!tier) out.push({ resource: `link:${l.id}`, message: `no tier in the table for ${levelOf.get(parent)} → ${levelOf.get(child)} links` });
      else if (l.bandwidthMbps !== tier.bandwidthMbps)
        out.push({ resource: `link:${l.id}`, message: `runs at ${l.bandwidthMbps} Mbps; tier ${tier.id} says ${tier.bandwidthMbps} Mbps` });
    }
    for (const s of topology.sites) {
      if (s.parent === undefined) continue;
      const tier = tierOf(levelOf.get(s.parent)!, s.level);
      const n = counts.get(s.id) ?? 0;
      if (tier && n !== tier.links) out.push({ resource: `site:${s.id}`, message: `has ${n} uplinks; tier ${tier.id} says ${tier.links}` });
    }
    return out;
  },
});

/** NET-004: the inventory's tier table meets the plan's figures. */
export const tierTableMeetsPlan = definePolicy({
  id: 'NET-004',
  title: 'tier table meets the plan (2×10G / 2×2G / 2×200M / 2×2G)',
  severity: 'hard',
  description:
    "The tier table in province.yaml gives each tier at least the plan's bandwidth and dual links: province→city 2×10G, city→county 2×2G, county→township 2×200M, province departments 2×2G.",
  requires: ['inventory'],
  check({ inventory }) {
    const file = inventory.paths.province!;
    const tiers = inventory.province.tiers;
    const out: Violation[] = [];
    // the plan's figures live in the inventory (province.yaml plan_tiers), not here
    for (const plan of inventory.province.plan_tiers) {
      const i = tiers.findIndex((t) => t.parent === plan.parent && t.child === plan.child);
      const resource = `tier:${plan.parent}-${plan.child}`;
      if (i < 0) {
        out.push({ resource, message: `no tier for ${plan.parent} → ${plan.child}; the plan says ${plan.wording}`, location: { file, path: 'tiers' } });
        continue;
      }
      const t = tiers[i]!;
      if (t.bandwidth_mbps < plan.bandwidth_mbps) {
        out.push({
          resource: `tier:${t.id}`,
          message: `${t.bandwidth_mbps} Mbps per link is below the plan's ${plan.bandwidth_mbps} Mbps (${plan.wording})`,
          location: { file, path: `tiers[${i}].bandwidth_mbps` },
        });
      }
      if (t.links < plan.links) {
        out.push({
          resource: `tier:${t.id}`,
          message: `${t.links} link${t.links === 1 ? '' : 's'} per site; the plan says ${plan.links} (${plan.wording})`,
          location: { file, path: `tiers[${i}].links` },
        });
      }
    }
    return out;
  },
});
