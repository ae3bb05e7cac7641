/**
 * First-hop redundancy as data: where a site has two routers, both serve its LAN. The hosts keep
 * the gateway they had when the LAN sat on r1 alone (the LAN's first host, now the VRRP virtual
 * address); r1 and r2 take the next two hosts as their own addresses, so nothing outside the site
 * is renumbered and the IPAM ledger (which records blocks, not hosts) is unchanged. Pure.
 */
import type { FirstHopFile } from '../inventory/schema.js';
import { hostIn, type Prefix } from '../lib/ip.js';
import type { Device, DualStack, Interface } from './types.js';

const LAN_INTERFACE = 'lan0';

/** Used when the inventory names no first-hop.yaml: the same values the default inventory declares. */
export const DEFAULT_FIRST_HOP: FirstHopFile = {
  vrrp: { vrid: 1, priority: { r1: 120, r2: 100 }, advertisement_ms: 1000, fast_advertisement_ms: 100, link_local: 'fe80::1' },
};

const bare = (cidr: string) => cidr.split('/')[0]!;

/**
 * The LAN interface of each router of a site, and the hosts' gateway. One router: it holds the
 * first host. Two: the first host is virtual, r1 holds the second, r2 the third.
 */
export function lanInterfaces(lan: DualStack<Prefix>, routers: Device[], description: string, mbps: number): { ifaces: Interface[]; gateway: DualStack } {
  const host = (n: number): DualStack => ({ ipv4: hostIn(lan.ipv4, n, lan.ipv4.length), ipv6: hostIn(lan.ipv6, n, lan.ipv6.length) });
  const first = host(1);
  const gateway = { ipv4: bare(first.ipv4), ipv6: bare(first.ipv6) };
  const ifaces = routers.map((_, k) => {
    const own = routers.length === 1 ? first : host(2 + k);
    return { name: LAN_INTERFACE, kind: 'lan' as const, ipv4: own.ipv4, ipv6: own.ipv6, bandwidthMbps: mbps, description, passive: true };
  });
  return { ifaces, gateway };
}

/** The interfaces a router leaves its site by: its uplinks, or at the province its links to the exits. */
function exitPaths(device: Device): string[] {
  return device.interfaces
    .filter((i) => i.kind === 'uplink' || i.kind === 'exit')
    .map((i) => i.name)
    .sort();
}

/**
 * VRRP groups on both routers' LAN interfaces, once their links exist (tracking names them). Each
 * tracked interface costs r1 an equal part of its lead over r2, rounded up, so r1 stays master while
 * it keeps any way out and drops below r2 when it has none.
 */
export function attachVrrp(routers: Device[], gateway: DualStack, settings: FirstHopFile): void {
  if (routers.length !== 2) return;
  const v = settings.vrrp;
  const lead = v.priority.r1 - v.priority.r2;
  const tracked = Math.max(1, exitPaths(routers[0]!).length);
  const reduce = Math.min(255, Math.ceil((lead + 1) / tracked));
  routers.forEach((d, k) => {
    const lan = d.interfaces.find((i) => i.name === LAN_INTERFACE);
    if (!lan) return;
    lan.vrrp = {
      vrid: v.vrid,
      priority: k === 0 ? v.priority.r1 : v.priority.r2,
      virtual: { ...gateway },
      linkLocal: v.link_local,
      track: exitPaths(d),
      trackReduce: reduce,
      advertisementMs: v.advertisement_ms,
      fastAdvertisementMs: v.fast_advertisement_ms,
    };
  });
}
