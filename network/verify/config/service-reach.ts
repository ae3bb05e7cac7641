/**
 * The config-level question "does every township reach every published service VIP of its city
 * cloud and of the provincial cloud, in both families" over computed routing tables (rib.ts):
 * from the township's router, follow the longest-prefix match hop by hop (every ECMP branch) until
 * a device holds the VIP's prefix as connected (the hosting router's provider network). A loop, a
 * discard route, a missing route or a next hop with no neighbour device fails the path.
 *
 * Pure. The single-failure variant takes the RIBs per failure from the caller (`ribsUnder`), so the
 * verifier that computes RIBs from rendered configs with a link or device removed plugs in as is.
 */
import { BITS, parseAddress, parsePrefix } from '../../../lib/ip.js';
import { requiredServiceTargets, type ServiceTarget } from '../../services.js';
import type { Family, Topology } from '../../types.js';
import type { DeviceRib, RibRoute } from './rib.js';

interface Indexed {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  byLength: Map<number, Map<bigint, RibRoute>>;
}

type RibIndex = Map<string, Indexed>;

/** Index the RIBs of one family for longest-prefix matches. */
function indexRibs(ribs: readonly DeviceRib[], family: Family): RibIndex {
  const out: RibIndex = new Map();
  for (const rib of ribs) {
    if (rib.family !== family) continue;
    const byLength = new Map<number, Map<bigint, RibRoute>>();
    for (const r of rib.routes) {
      const p = parsePrefix(r.prefix);
      let m = byLength.get(p.length);
      if (!m) byLength.set(p.length, (m = new Map()));
      m.set(p.network, r);
    }
    out.set(rib.device, { lengths: [...byLength.keys()].sort((a, b) => b - a), byLength });
  }
  return out;
}

function lookup(ix: Indexed, family: Family, address: bigint): RibRoute | undefined {
  const bits = BITS[family];
  for (const len of ix.lengths) {
    const network = len === 0 ? 0n : (address >> BigInt(bits - len)) << BigInt(bits - len);
    const r = ix.byLength.get(len)!.get(network);
    if (r) return r;
  }
  return undefined;
}

interface TraceResult {
  reached: boolean;
  /** One path that was followed (the failing one when not reached). */
  path: string[];
  reason?: string;
}

/** Follow the routes from `from` to `address`; every ECMP branch must arrive. */
function traceTo(index: RibIndex, family: Family, from: string, address: string, maxHops = 64): TraceResult {
  const target = parseAddress(address, family);
  const walk = (device: string, path: string[]): TraceResult => {
    if (path.includes(device)) return { reached: false, path: [...path, device], reason: `forwarding loop at ${device}` };
    const here = [...path, device];
    if (here.length > maxHops) return { reached: false, path: here, reason: 'too many hops' };
    const ix = index.get(device);
    if (!ix) return { reached: false, path: here, reason: `no routing table for ${device}` };
    const route = lookup(ix, family, target);
    if (!route) return { reached: false, path: here, reason: `${device} has no route to ${address}` };
    if (route.protocol === 'connected') return { reached: true, path: here };
    if (route.nextHops.length === 0) return { reached: false, path: here, reason: `${device} discards ${address} (${route.prefix})` };
    for (const hop of route.nextHops) {
      if (!hop.neighbour) return { reached: false, path: here, reason: `${device} sends ${address} out of ${hop.interface} to no known device` };
      const r = walk(hop.neighbour, here);
      if (!r.reached) return r;
    }
    return { reached: true, path: here };
  };
  return walk(from, []);
}

export interface ServiceReachFailure {
  /** The township's router. */
  from: string;
  target: ServiceTarget;
  /** The failed element (`link:<id>`, `device:<id>`), absent for the intact network. */
  failure?: string;
  reason: string;
  path: string[];
}

/** Every township's router against the VIPs it must reach, on one set of RIBs (both families). */
export function townshipsReachServices(
  topology: Topology,
  ribs: readonly DeviceRib[],
  failure?: string,
  skip: ReadonlySet<string> = new Set(),
): ServiceReachFailure[] {
  const index = { ipv4: indexRibs(ribs, 'ipv4'), ipv6: indexRibs(ribs, 'ipv6') };
  const failures: ServiceReachFailure[] = [];
  const firstRouter = new Map<string, string>();
  for (const d of topology.devices) if (!firstRouter.has(d.site)) firstRouter.set(d.site, d.id);
  for (const site of topology.sites) {
    if (site.level !== 'township') continue;
    const from = firstRouter.get(site.id);
    if (!from || skip.has(from)) continue;
    for (const target of requiredServiceTargets(topology, site.id)) {
      if (skip.has(target.device)) continue;
      const r = traceTo(index[target.family], target.family, from, target.address);
      if (!r.reached) failures.push({ from, target, ...(failure ? { failure } : {}), reason: r.reason ?? 'not reached', path: r.path });
    }
  }
  return failures;
}

/**
 * The same under every single failure the caller enumerates: `ribsUnder(failure)` gives the RIBs
 * with that link or device gone. A failed device is neither source nor target of its own paths
 * (a township's only router, a data centre's router: no redundancy is claimed for those).
 */
export function townshipsReachServicesUnderFailures(
  topology: Topology,
  failures: readonly string[],
  ribsUnder: (failure: string) => readonly DeviceRib[],
): ServiceReachFailure[] {
  const out: ServiceReachFailure[] = [];
  for (const f of failures) {
    const skip = new Set(f.startsWith('device:') ? [f.slice('device:'.length)] : []);
    out.push(...townshipsReachServices(topology, ribsUnder(f), f, skip));
  }
  return out;
}
