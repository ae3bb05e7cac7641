/**
 * The config-level question "does every township reach every published service VIP of its city
 * cloud and of the provincial cloud, in both families" over routing tables (rib.ts): from the
 * township's router, follow the longest-prefix match hop by hop (every ECMP branch) until a device
 * holds the VIP's prefix as connected (the hosting router's provider network). A loop, a discard
 * route, a missing route or a next hop with no neighbour device fails the path.
 *
 * Pure. The RIBs come as a list or as a lookup that computes a device's table on demand, so the
 * config verifier (service-questions.ts) hands in the tables it computes from the rendered configs,
 * for the intact network and with one link or device removed, and only for the devices a path visits.
 */
import { BITS, parseAddress, parsePrefix } from '../../../lib/ip.js';
import { requiredServiceTargets, type ServiceTarget } from '../../services.js';
import { FAMILIES, type Family, type Topology } from '../../types.js';
import type { DeviceRib, RibRoute } from './rib.js';

interface Indexed {
  /** Prefix lengths present, longest first. */
  lengths: number[];
  byLength: Map<number, Map<bigint, RibRoute>>;
}

/**
 * The routing tables: every device's, or a lookup giving a device's routes that cover an address —
 * all a longest-prefix match for it can pick (undefined: the device has no table).
 */
type RibLookup = (device: string, family: Family, address: string) => DeviceRib | undefined;
export type RibSource = readonly DeviceRib[] | RibLookup;

/** The few prefixes and VIPs of the question recur in every table and trace: parse each text once. */
const prefixes = new Map<string, ReturnType<typeof parsePrefix>>();
const addresses = new Map<string, bigint>();
const prefixOf = (text: string) => prefixes.get(text) ?? prefixes.set(text, parsePrefix(text)).get(text)!;
const addressOf = (text: string, family: Family) => addresses.get(text) ?? addresses.set(text, parseAddress(text, family)).get(text)!;

function indexRib(rib: DeviceRib): Indexed {
  const byLength = new Map<number, Map<bigint, RibRoute>>();
  for (const r of rib.routes) {
    const p = prefixOf(r.prefix);
    let m = byLength.get(p.length);
    if (!m) byLength.set(p.length, (m = new Map()));
    m.set(p.network, r);
  }
  return { lengths: [...byLength.keys()].sort((a, b) => b - a), byLength };
}

/** A table handed in again (a device a failure leaves as it was) is indexed once. */
const indexed = new WeakMap<DeviceRib, Indexed>();

/** Indexed tables of one family, built as the walk first reaches each device. */
function ribIndex(source: RibSource, family: Family): (device: string, address: string) => Indexed | undefined {
  const cache = new Map<string, Indexed | undefined>();
  const list = typeof source === 'function' ? undefined : new Map(source.filter((r) => r.family === family).map((r) => [r.device, r]));
  return (device, address) => {
    const key = list ? device : `${device} ${address}`;
    if (cache.has(key)) return cache.get(key);
    const rib = list ? list.get(device) : (source as RibLookup)(device, family, address);
    let ix = rib ? indexed.get(rib) : undefined;
    if (rib && !ix) indexed.set(rib, (ix = indexRib(rib)));
    cache.set(key, ix);
    return ix;
  };
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

/** Follow the routes from `from` to `address`; every ECMP branch must arrive. `visit` sees every device walked. */
function traceTo(
  table: (device: string, address: string) => Indexed | undefined,
  family: Family,
  from: string,
  address: string,
  visit?: (device: string) => void,
  maxHops = 64,
): TraceResult {
  const target = addressOf(address, family);
  // One path array for the whole walk (pushed and popped), copied only into a result.
  const path: string[] = [];
  const fail = (reason: string): TraceResult => ({ reached: false, path: path.slice(), reason });
  const walk = (device: string): TraceResult | undefined => {
    if (path.includes(device)) {
      path.push(device);
      const r = fail(`forwarding loop at ${device}`);
      path.pop();
      return r;
    }
    visit?.(device);
    path.push(device);
    const r = step(device);
    path.pop();
    return r;
  };
  /** undefined: every branch from the device (last on `path`) arrives. */
  const step = (device: string): TraceResult | undefined => {
    if (path.length > maxHops) return fail('too many hops');
    const ix = table(device, address);
    if (!ix) return fail(`no routing table for ${device}`);
    const route = lookup(ix, family, target);
    if (!route) return fail(`${device} has no route to ${address}`);
    if (route.protocol === 'connected') return undefined;
    if (route.nextHops.length === 0) return fail(`${device} discards ${address} (${route.prefix})`);
    for (const hop of route.nextHops) {
      if (!hop.neighbour) return fail(`${device} sends ${address} out of ${hop.interface} to no known device`);
      const r = walk(hop.neighbour);
      if (r) return r;
    }
    return undefined;
  };
  return walk(from) ?? { reached: true, path: [from] };
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

export interface AskOptions {
  /** Only this family (default both). */
  family?: Family;
  /** The failed element, copied into each failure. */
  failure?: string;
  /** Devices that are neither source nor target (a failed device). */
  skip?: ReadonlySet<string>;
  /** Only these township routers (those a failure can affect); default every township's. */
  sources?: ReadonlySet<string>;
  /** Only the VIPs at these addresses (those a failure can affect); default all. */
  addresses?: ReadonlySet<string>;
  /** Every device a path from `from` walks through (the config verifier indexes these to know whom a failure affects). */
  onVisit?: (from: string, device: string, address: string) => void;
}

/**
 * The question for one topology, asked of as many sets of RIBs as the caller has: each township's
 * first router and the VIPs it must reach are worked out once. Only services hosted on a device of
 * the topology are asked (a lab scope without the data centre has nothing to reach).
 */
export class ServiceReach {
  /** Township router → the VIPs it must reach, both families. */
  readonly sources: ReadonlyArray<{ from: string; targets: ServiceTarget[] }>;

  constructor(topology: Topology) {
    const devices = new Set(topology.devices.map((d) => d.id));
    const firstRouter = new Map<string, string>();
    for (const d of topology.devices) if (!firstRouter.has(d.site)) firstRouter.set(d.site, d.id);
    const sources: Array<{ from: string; targets: ServiceTarget[] }> = [];
    const perCounty = new Map<string, ServiceTarget[]>();
    for (const site of topology.sites) {
      if (site.level !== 'township') continue;
      const from = firstRouter.get(site.id);
      if (!from) continue;
      // Every township of a county shares its targets; requiredServiceTargets walks the parents once per county.
      const county = site.parent ?? site.id;
      let targets = perCounty.get(county);
      if (!targets) perCounty.set(county, (targets = requiredServiceTargets(topology, site.id).filter((t) => devices.has(t.device))));
      if (targets.length) sources.push({ from, targets });
    }
    this.sources = sources;
    sources.forEach((s, i) => (this.indexOf.get(s.from) ?? this.indexOf.set(s.from, []).get(s.from)!).push(i));
  }

  /** Township router → its places in `sources`: a failure asks a few of 1,800 townships, not a scan of them all. */
  private readonly indexOf = new Map<string, number[]>();

  /** The sources to ask, in `sources` order. */
  private selected(only: ReadonlySet<string> | undefined): ReadonlyArray<{ from: string; targets: ServiceTarget[] }> {
    if (!only) return this.sources;
    const at = [...only].flatMap((from) => this.indexOf.get(from) ?? []).sort((a, b) => a - b);
    return at.map((i) => this.sources[i]!);
  }

  ask(ribs: RibSource, opts: AskOptions = {}): ServiceReachFailure[] {
    const families = opts.family ? [opts.family] : FAMILIES;
    const tables = { ipv4: ribIndex(ribs, 'ipv4'), ipv6: ribIndex(ribs, 'ipv6') };
    const skip = opts.skip ?? new Set<string>();
    const failures: ServiceReachFailure[] = [];
    for (const { from, targets } of this.selected(opts.sources)) {
      if (skip.has(from)) continue;
      for (const target of targets) {
        if (!families.includes(target.family) || skip.has(target.device) || (opts.addresses && !opts.addresses.has(target.address))) continue;
        const visit = opts.onVisit ? (device: string) => opts.onVisit!(from, device, target.address) : undefined;
        const r = traceTo(tables[target.family], target.family, from, target.address, visit);
        if (!r.reached) failures.push({ from, target, ...(opts.failure ? { failure: opts.failure } : {}), reason: r.reason ?? 'not reached', path: r.path });
      }
    }
    return failures;
  }
}

/** Every township's router against the VIPs it must reach, on one set of RIBs (both families). */
export function townshipsReachServices(topology: Topology, ribs: RibSource, opts: AskOptions = {}): ServiceReachFailure[] {
  return new ServiceReach(topology).ask(ribs, opts);
}

/**
 * The same under every single failure the caller enumerates: `ribsUnder(failure)` gives the RIBs
 * with that link or device gone. A failed device is neither source nor target of its own paths
 * (a township's only router, a data centre's router: no redundancy is claimed for those).
 */
export function townshipsReachServicesUnderFailures(
  topology: Topology,
  failures: readonly string[],
  ribsUnder: (failure: string) => RibSource,
): ServiceReachFailure[] {
  const question = new ServiceReach(topology);
  const out: ServiceReachFailure[] = [];
  for (const f of failures) {
    const skip = new Set(f.startsWith('device:') ? [f.slice('device:'.length)] : []);
    out.push(...question.ask(ribsUnder(f), { failure: f, skip }));
  }
  return out;
}
