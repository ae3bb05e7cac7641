/**
 * The lab's wiring as plain data: which namespaces, veth pairs, addresses, shaping and management
 * paths realize a scoped topology. Pure — `realize.ts` turns it into `ip`/`tc` calls.
 */
import type { Topology } from '../network/types.js';
import type { Interface, QosPolicy } from '../network/types.js';
import type { ScopedTopology } from './scope.js';
import { lanSwitchNs, lanSwitchPort } from './host/vrrp.js';
import { deviceNs, hostMgmtIf, internetIf, internetNs, lanPeerIf, mgmtAddresses, MGMT_IF } from './names.js';

interface VethPair {
  /** The model's link id (or `internet:<device>` for an exit hand-off, `lan:<device>:<if>` for a LAN). */
  id: string;
  a: { ns: string; ifname: string };
  b: { ns: string; ifname: string };
  /** Shaped rate in kbit/s (tier rate divided by the rate scale); absent: not shaped. */
  rateKbit?: number;
  /**
   * The tier's QoS policy both ends apply outbound (a tiered circuit): shaped by its htb classes
   * at `rateKbit` (lab/host/qos.ts) instead of a plain tbf.
   */
  qos?: QosPolicy;
}

export interface NamespacePlan {
  ns: string;
  /** Device id; absent for the internet namespace. */
  device?: string;
  /** Interface → addresses with prefix length (both families). */
  addresses: Record<string, string[]>;
  /** Extra routes (`ip route` arguments), e.g. the internet's way back into the province. */
  routes: string[];
  mgmt?: { slot: number; hostIf: string; host: string; device: string };
  /** LAN interfaces running VRRP: their macvlans are made by lab/host/vrrp.ts. */
  firstHop?: Interface[];
  /** A LAN switch namespace: the bridge and its ports (one per router of the site). */
  lanSwitch?: { ports: string[] };
}

export interface Wiring {
  namespaces: NamespacePlan[];
  veths: VethPair[];
}

export interface WiringOptions {
  lab: string;
  /** Divide every tier's rate by this (10G / 100 = 100 Mbit/s): keeps the lab within one host. */
  rateScale: number;
  /** Management slot per device (stable across deploys; see `allocateSlots`). */
  slots: Record<string, number>;
}

export const DEFAULT_RATE_SCALE = 100;

export function planWiring(scoped: ScopedTopology, opts: WiringOptions): Wiring {
  const { lab } = opts;
  const rate = (mbps: number) => Math.max(8, Math.round((mbps * 1000) / opts.rateScale));
  const namespaces: NamespacePlan[] = [];
  const veths: VethPair[] = [];
  const switches = new Map<string, NamespacePlan>();
  for (const d of scoped.devices) {
    const ns = deviceNs(lab, d.id);
    const slot = opts.slots[d.id];
    if (slot === undefined) throw new Error(`no management slot for ${d.id}`);
    const m = mgmtAddresses(lab, slot);
    const addresses: Record<string, string[]> = {
      lo: [d.loopback.ipv4, d.loopback.ipv6, ...serviceVips(scoped.topology, d.id)],
      [MGMT_IF]: [`${m.device}/31`],
    };
    for (const i of d.interfaces) {
      const local = i.kind === 'lan' || i.kind === 'cloud';
      const present = i.link ? scoped.links.some((l) => l.id === i.link) : local || scoped.handoffs.some((h) => h.device === d.id && h.interface === i.name);
      if (!present) continue;
      addresses[i.name] = [i.ipv4, i.ipv6].filter((a): a is string => Boolean(a));
      // A LAN two routers serve is a bridge in a namespace of its own, each router's LAN a port of
      // it; any other LAN or a cloud's hand-off is a veth pair inside the device, so it has carrier.
      if (i.vrrp) {
        const sw = lanSwitchNs(lab, d.site);
        let plan = switches.get(sw);
        if (!plan) switches.set(sw, (plan = { ns: sw, addresses: {}, routes: [], lanSwitch: { ports: [] } }));
        plan.lanSwitch!.ports.push(lanSwitchPort(d.index));
        veths.push({ id: `lan:${d.id}:${i.name}`, a: { ns, ifname: i.name }, b: { ns: sw, ifname: lanSwitchPort(d.index) } });
      } else if (local) veths.push({ id: `lan:${d.id}:${i.name}`, a: { ns, ifname: i.name }, b: { ns, ifname: lanPeerIf(i.name) } });
    }
    const firstHop = d.interfaces.filter((i) => i.vrrp && addresses[i.name]);
    namespaces.push({
      ns,
      device: d.id,
      addresses,
      routes: [],
      mgmt: { slot, hostIf: hostMgmtIf(lab, slot), host: m.host, device: m.device },
      ...(firstHop.length ? { firstHop } : {}),
    });
  }
  namespaces.push(...switches.values());
  const devices = new Map(scoped.devices.map((d) => [d.id, d]));
  const policies = new Map((scoped.topology.qos ?? []).map((p) => [p.name, p]));
  for (const l of scoped.links) {
    const policy = devices.get(l.a.device)?.interfaces.find((i) => i.name === l.a.interface)?.qos;
    const qos = policy === undefined ? undefined : policies.get(policy);
    veths.push({
      id: l.id,
      a: { ns: deviceNs(lab, l.a.device), ifname: l.a.interface },
      b: { ns: deviceNs(lab, l.b.device), ifname: l.b.interface },
      rateKbit: rate(l.bandwidthMbps),
      ...(qos ? { qos } : {}),
    });
  }
  if (scoped.handoffs.length > 0) {
    const inet = internetNs(lab);
    const up = scoped.topology.exit.upstream;
    const addresses: Record<string, string[]> = { lo: [`${up.ipv4}/32`, `${up.ipv6}/128`] };
    const routes: string[] = [];
    scoped.handoffs.forEach((h) => {
      const n = h.device === scoped.topology.exit.primary ? 1 : 2;
      const ifname = internetIf(n);
      addresses[ifname] = [`${h.peerIpv4}/${h.ipv4.split('/')[1]}`, `${h.peerIpv6}/${h.ipv6.split('/')[1]}`];
      // The upstream reaches the province through the primary exit, the standby at a worse metric;
      // over IPv4 an exit that translates is reached at its public range only (the government
      // ranges are private and not routed on the internet).
      const metric = n === 1 ? 10 : 100;
      const nat = scoped.topology.exit.guards?.find((g) => g.device === h.device)?.nat;
      routes.push(`${nat ? nat.publicRange : scoped.topology.supernets.ipv4} via ${h.ipv4.split('/')[0]} dev ${ifname} metric ${metric}`);
      routes.push(`${scoped.topology.supernets.ipv6} via ${h.ipv6.split('/')[0]} dev ${ifname} metric ${metric}`);
      veths.push({
        id: `internet:${h.device}`,
        a: { ns: deviceNs(lab, h.device), ifname: h.interface },
        b: { ns: inet, ifname },
        rateKbit: rate(scoped.topology.exit.bandwidthMbps),
      });
    });
    namespaces.push({ ns: inet, addresses, routes });
  }
  return { namespaces, veths };
}

/**
 * The published services' VIPs the device stands in for: in production they live on the
 * clouds' load balancers behind the device's provider network; in the lab on `lo`, inside the
 * provider network the device's passive `cl*p` interface advertises, so traffic to them is routed
 * exactly as it would be to the load balancer.
 */
export function serviceVips(topology: Topology, device: string): string[] {
  return (topology.services ?? []).filter((s) => s.device === device).flatMap((s) => [`${s.vip.ipv4}/32`, `${s.vip.ipv6}/128`]);
}

/** Keep existing devices' slots; give new devices the lowest free ones. Pure and stable. */
export function allocateSlots(previous: Record<string, number>, devices: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const used = new Set<number>();
  for (const d of devices)
    if (previous[d] !== undefined) {
      out[d] = previous[d];
      used.add(previous[d]);
    }
  let next = 0;
  for (const d of devices) {
    if (out[d] !== undefined) continue;
    while (used.has(next)) next++;
    out[d] = next;
    used.add(next);
  }
  return out;
}
