/**
 * BFD for OSPF on every adjacency, both families (issue 11 part 3), with the detection times of
 * the link's tier (province.yaml `tiers[].bfd`; r1–r2 and exit links: inventory/ospf-security.yaml).
 * Without it a dead link is noticed when the OSPF dead interval runs out (40 s by default, 3 s
 * with the lab's fast timers); with it after about min-rx × multiplier.
 *
 * FRR: bfdd holds one profile per tier (`bfd` / `profile NAME`), and ospfd/ospf6d register each
 * neighbour with it (`ip ospf bfd profile NAME`, `ipv6 ospf6 bfd profile NAME`). VRP: `bfd`
 * globally, then per interface `ospf bfd enable` with `min-tx-interval/min-rx-interval/
 * detect-multiplier`, and the OSPFv3 forms (`ospfv3 bfd min-transmit-interval …`).
 */
import type { BfdTimers, Link } from '../../types.js';
import type { ConfigLine } from '../common.js';
import { adjacencyInterface, adjacencyInterfaces } from './adjacencies.js';
import type { FeatureContext, RenderFeature } from './types.js';

/** The link's BFD timers and the FRR profile named after its tier, when the data gives any. */
function timersOf(ctx: FeatureContext, link: Link): { profile: string; t: BfdTimers } | undefined {
  const t = ctx.topology.ospfSecurity?.bfdByTier[link.tier];
  return t ? { profile: link.tier, t } : undefined;
}

function profiles(ctx: FeatureContext): Map<string, BfdTimers> {
  const out = new Map<string, BfdTimers>();
  for (const a of adjacencyInterfaces(ctx.topology, ctx.device)) {
    const p = timersOf(ctx, a.link);
    if (p) out.set(p.profile, p.t);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export const bfdFeature: RenderFeature = {
  id: 'bfd',
  title: 'BFD for OSPF and OSPFv3 on every adjacency, detection times per tier',
  frr: {
    preamble(ctx) {
      const ps = profiles(ctx);
      if (!ps.size) return [];
      const out: ConfigLine[] = [{ text: 'bfd' }];
      for (const [name, t] of ps) {
        out.push(
          { text: ` profile ${name}` },
          { text: `  detect-multiplier ${t.multiplier}` },
          { text: `  receive-interval ${t.minRxMs}` },
          { text: `  transmit-interval ${t.minTxMs}` },
          { text: ' exit' },
        );
      }
      out.push({ text: 'exit' });
      return out;
    },
    interface(ctx, iface) {
      const adj = adjacencyInterface(ctx.topology, ctx.device, iface);
      const p = adj && timersOf(ctx, adj.link);
      if (!p) return [];
      return [' ip ospf bfd', ` ip ospf bfd profile ${p.profile}`, ' ipv6 ospf6 bfd', ` ipv6 ospf6 bfd profile ${p.profile}`].map((text) => ({ text }));
    },
  },
  vrp: {
    preamble(ctx) {
      return profiles(ctx).size ? [{ text: 'bfd' }] : [];
    },
    interface(ctx, iface) {
      const adj = adjacencyInterface(ctx.topology, ctx.device, iface);
      const p = adj && timersOf(ctx, adj.link);
      if (!p) return [];
      const { minTxMs: tx, minRxMs: rx, multiplier: m } = p.t;
      return [
        ' ospf bfd enable',
        ` ospf bfd min-tx-interval ${tx} min-rx-interval ${rx} detect-multiplier ${m}`,
        ' ospfv3 bfd enable',
        ` ospfv3 bfd min-transmit-interval ${tx} min-receive-interval ${rx} detect-multiplier ${m}`,
      ].map((text) => ({ text }));
    },
  },
};
