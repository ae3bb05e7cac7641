/**
 * QoS per tier on the tiered circuits (issue 11 part 5), from `Topology.qos` and `Interface.qos`.
 *
 * VRP (MQC): one `traffic classifier` per class (`if-match dscp …`, OR'ed), one `traffic behavior`
 * per class and tier (`queue ef bandwidth pct N` for the priority class, `queue af bandwidth pct N`
 * for the assured ones, `queue wfq` for the default class), one `traffic policy` per tier binding
 * them, then on every circuit interface `qos gts cir <tier rate>` (shape to the circuit, so the
 * queues build here and not in the carrier's policer) and `traffic-policy … outbound`.
 *
 * FRR has no QoS: on FRR devices the same policy is Linux tc (htb classes and DSCP filters), which
 * the lab installs on each circuit end (lab/host/qos.ts) from the same model.
 */
import type { QosClass, QosPolicy } from '../../types.js';
import type { ConfigLine } from '../common.js';
import type { FeatureContext, RenderFeature } from './types.js';

const classifierName = (c: QosClass): string => `QOS-${c.id.toUpperCase()}`;
const behaviorName = (p: QosPolicy, c: QosClass): string => `${p.name}-${c.id.toUpperCase()}`;

/** VRP DSCP keywords where one exists (the display form), the number otherwise. */
const DSCP_NAMES: Record<number, string> = { 0: 'default', 46: 'ef', 8: 'cs1', 16: 'cs2', 24: 'cs3', 32: 'cs4', 40: 'cs5', 48: 'cs6', 56: 'cs7' };
for (const [cls, base] of [
  [1, 10],
  [2, 18],
  [3, 26],
  [4, 34],
] as const)
  for (let drop = 1; drop <= 3; drop++) DSCP_NAMES[base + 2 * (drop - 1)] = `af${cls}${drop}`;
const dscpName = (d: number): string => DSCP_NAMES[d] ?? String(d);

function policiesOn(ctx: FeatureContext): QosPolicy[] {
  const used = new Set(ctx.device.interfaces.map((i) => i.qos).filter((q): q is string => q !== undefined));
  return (ctx.topology.qos ?? []).filter((p) => used.has(p.name));
}

function vrpPreamble(ctx: FeatureContext): ConfigLine[] {
  const policies = policiesOn(ctx);
  if (!policies.length) return [];
  const out: string[] = [];
  const classes = new Map<string, QosClass>();
  for (const p of policies) for (const c of p.classes) if (c.queue !== 'default') classes.set(c.id, c);
  for (const c of [...classes.values()]) {
    out.push(`traffic classifier ${classifierName(c)} operator or`);
    // VRP takes up to 8 DSCP values per if-match
    for (let i = 0; i < c.dscp.length; i += 8)
      out.push(
        ` if-match dscp ${c.dscp
          .slice(i, i + 8)
          .map(dscpName)
          .join(' ')}`,
      );
  }
  for (const p of policies) {
    for (const c of p.classes) {
      out.push(`traffic behavior ${behaviorName(p, c)}`);
      if (c.queue === 'priority') out.push(` queue ef bandwidth pct ${c.sharePercent}`);
      else if (c.queue === 'assured') out.push(` queue af bandwidth pct ${c.sharePercent}`);
      else out.push(' queue wfq');
    }
    out.push(`traffic policy ${p.name}`);
    for (const c of p.classes) out.push(` classifier ${c.queue === 'default' ? 'default-class' : classifierName(c)} behavior ${behaviorName(p, c)}`);
  }
  return out.map((text) => ({ text }));
}

function vrpInterface(ctx: FeatureContext, iface: { qos?: string }): ConfigLine[] {
  const p = iface.qos ? (ctx.topology.qos ?? []).find((x) => x.name === iface.qos) : undefined;
  if (!p) return [];
  return [{ text: ` qos gts cir ${p.rateMbps * 1000}` }, { text: ` traffic-policy ${p.name} outbound` }];
}

export const qosFeature: RenderFeature = {
  id: 'qos',
  title: 'QoS per tier: DSCP classes shaped at the circuit rate, outbound on both ends of every tiered circuit',
  frr: {},
  vrp: { preamble: vrpPreamble, interface: vrpInterface },
};
