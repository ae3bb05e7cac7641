/**
 * 4 — capacity sufficiency: sites whose uplinks (count and rate) meet the tier table's bandwidth
 * (province.yaml `tiers`, the plan's 2×10G / 2×2G / 2×200M) for their tier. Declared: the model.
 */
import { defineIndicator, type Computed } from './define.js';

export default defineIndicator({
  id: 4,
  requires: ['topology'],
  compute: ({ topology: t }): Computed => {
    const deviceSite = new Map(t.devices.map((d) => [d.id, d.site]));
    const tiers = new Map(t.tiers.map((x) => [x.id, x]));
    const uplinks = new Map<string, { tier: string; mbps: number[] }>();
    for (const l of t.links) {
      if (l.kind !== 'uplink') continue;
      const site = deviceSite.get(l.b.device);
      if (!site) continue;
      const e = uplinks.get(site) ?? { tier: l.tier, mbps: [] };
      e.mbps.push(l.bandwidthMbps);
      uplinks.set(site, e);
    }
    let meetsCount = 0;
    const short: string[] = [];
    const sites = t.sites.filter((s) => s.parent);
    for (const s of sites) {
      const u = uplinks.get(s.id);
      const tier = u ? tiers.get(u.tier) : undefined;
      const ok = !!u && !!tier && u.mbps.filter((m) => m >= tier.bandwidthMbps).length >= tier.links;
      if (ok) meetsCount++;
      else if (short.length < 20) short.push(s.id);
    }
    const definition = "sites whose uplinks match their tier's bandwidth (count × rate) / all non-province sites";
    const common = { definition, basis: 'declared' as const, source: 'topology (links vs province.yaml tiers)', measuredAt: null };
    if (!sites.length) return { status: 'no-data', reason: 'the topology has no sites below the province', ...common };
    return { status: 'ok', value: meetsCount / sites.length, numerator: meetsCount, denominator: sites.length, ...common, detail: { short_sites: short } };
  },
});
