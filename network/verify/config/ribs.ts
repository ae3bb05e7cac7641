/**
 * The RIB of every device per family (rib.ts's shape), as the control plane computed from the
 * configs gives it: every prefix some device has a route source for, the winning route on each
 * device, its next hops named by the model's interface names so FRR and VRP renderings compare.
 */
import type { FamilyNet } from './adjacency.js';
import { hexToText, prefixText } from './address.js';
import type { Decision, Forwarding, Hop } from './forwarding.js';
import type { DeviceRib, RibNextHop, RibRoute } from './rib.js';

const OSPF_PROTOCOLS: ReadonlySet<string> = new Set(['ospf-intra', 'ospf-inter', 'ospf-external-1', 'ospf-external-2']);

export function nextHopsOf(net: FamilyNet, d: Decision, hops: Hop[] = d.hops): RibNextHop[] {
  const seen = new Set<string>();
  const out: RibNextHop[] = [];
  for (const h of hops) {
    const iface = net.ifaces[h.iface]!;
    const nh: RibNextHop = { interface: iface.model ?? iface.name };
    if (d.protocol !== 'connected' && net.family === 'ipv4' && h.viaHex) nh.via = hexToText('ipv4', h.viaHex);
    if (h.toNode !== undefined) nh.neighbour = net.configs[h.toNode]!.device.id;
    const key = `${nh.interface}\u0000${nh.via ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(nh);
  }
  return out.sort((a, b) =>
    a.interface < b.interface ? -1 : a.interface > b.interface ? 1 : (a.via ?? '') < (b.via ?? '') ? -1 : (a.via ?? '') > (b.via ?? '') ? 1 : 0,
  );
}

export function ribsOf(fw: Forwarding, only?: ReadonlySet<string>): DeviceRib[] {
  const net = fw.cp.net;
  const prefixes = fw
    .allPrefixes()
    .map((p) => ({ ...p, hex: p.key.split('/')[0]! }))
    .sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : a.length - b.length));
  return net.configs.flatMap((c, node) => {
    if (only && !only.has(c.device.id)) return [];
    const routes: RibRoute[] = [];
    const subsetOk = net.family === 'ipv6' && c.parsed.behaviour?.ospfv3EcmpSubset === true;
    for (const p of prefixes) {
      const d = fw.route(node, p.key, p.length);
      if (!d) continue;
      const route: RibRoute = { prefix: prefixText(net.family, p.hex, p.length), protocol: d.protocol, metric: d.metric, nextHops: nextHopsOf(net, d) };
      if (d.alternatives) route.installsOneOf = d.alternatives.map((g) => nextHopsOf(net, d, g));
      if (subsetOk && OSPF_PROTOCOLS.has(d.protocol) && route.nextHops.length > 1) route.installsSubset = true;
      routes.push(route);
    }
    return { device: c.device.id, family: net.family, routes };
  });
}
