/**
 * QoS as data: one policy per tier from the inventory's DSCP class table (qos.yaml), at the tier's
 * circuit rate, put on both ends of every circuit of that tier (outbound: each end shapes what it
 * sends). Pure.
 */
import type { QosFile } from '../inventory/schema.js';
import type { Link, QosPolicy, Tier, Device } from './types.js';

const qosPolicyName = (tier: string): string => `QOS-${tier.toUpperCase()}`;

export function qosPolicies(qos: QosFile | undefined, tiers: Tier[]): QosPolicy[] {
  if (!qos) return [];
  return tiers.map((t) => ({
    name: qosPolicyName(t.id),
    tier: t.id,
    rateMbps: t.bandwidthMbps,
    classes: qos.classes.map((c) => ({
      id: c.id,
      name: c.name,
      dscp: [...c.dscp],
      queue: c.queue,
      sharePercent: qos.tiers[t.id]?.[c.id] ?? c.share_percent,
    })),
  }));
}

/** Marks both ends of every uplink circuit with its tier's policy. */
export function applyQos(policies: QosPolicy[], links: Link[], devicesById: Map<string, Device>): void {
  const byTier = new Map(policies.map((p) => [p.tier, p.name]));
  for (const l of links) {
    const name = l.kind === 'uplink' ? byTier.get(l.tier) : undefined;
    if (!name) continue;
    for (const end of [l.a, l.b]) {
      const iface = devicesById.get(end.device)?.interfaces.find((i) => i.name === end.interface);
      if (iface) iface.qos = name;
    }
  }
}
