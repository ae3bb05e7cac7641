/**
 * The differential check: the RIBs the config-level verifier computes against the RIBs a real router
 * holds (FRR's `show ip route json` / `show ipv6 route json`, normalized by the reader into the same
 * DeviceRib shape). Pure: two lists of DeviceRib in, mismatches out.
 *
 * Compared per device, per family, prefix by prefix:
 * - a device or a prefix on one side only;
 * - the protocol (connected, static, OSPF intra-area / inter-area / external type 1 or 2);
 * - the metric where both sides mean the same thing by it: OSPF routes of the same path type
 *   (connected and static routes have no cost to compare);
 * - the next-hop set (ECMP compared as a set). A next hop is identified by its outgoing interface
 *   and, for IPv4, the neighbour address it forwards to; for IPv6, whose OSPF next hops are
 *   link-local addresses the configs cannot predict, by the neighbour device instead. Connected
 *   routes are identified by the interface alone. Where the computed route says the router installs
 *   exactly one of several next-hop groups (`installsOneOf`, a dialect behaviour), the router's set
 *   must be one of them; where it says the router may install a subset (`installsSubset`), a
 *   non-empty subset at the same cost agrees and is listed among the allowances.
 * Every mismatch names the device, family, prefix and both answers, in words and as data.
 */
import type { Family } from '../../types.js';
import { formatPrefix, parsePrefix, PrefixError } from '../../../lib/ip.js';
import type { DeviceRib, RibNextHop, RibRoute, RouteProtocol } from './rib.js';

type RibMismatchKind = 'device-missing' | 'route-missing' | 'protocol' | 'metric' | 'next-hops';

/** One side's answer for a prefix, as a person reads it and as data. */
interface RouteAnswer {
  protocol: RouteProtocol;
  metric: number;
  nextHops: string[];
}

interface RibMismatch {
  device: string;
  family: Family;
  /** Absent for `device-missing`. */
  prefix?: string;
  kind: RibMismatchKind;
  /** The computed answer (absent: the computed RIB lacks it). */
  computed?: RouteAnswer;
  /** The running router's answer (absent: the router lacks it). */
  actual?: RouteAnswer;
  message: string;
}

/** A difference a dialect's implementation explains (DialectBehaviour): counted as agreeing, listed so it stays visible. */
interface RibAllowance {
  device: string;
  family: Family;
  prefix: string;
  behaviour: 'ospfv3EcmpSubset';
  message: string;
}

export interface RibComparison {
  mismatches: RibMismatch[];
  allowances: RibAllowance[];
  /** Per family: devices compared, prefixes compared (union of both sides), prefixes that agree. */
  totals: Record<Family, { devices: number; prefixes: number; agreeing: number }>;
}

export interface CompareOptions {
  /** What the two sides are called in messages (default: computed / FRR). */
  labels?: { computed: string; actual: string };
}

const OSPF: ReadonlySet<RouteProtocol> = new Set(['ospf-intra', 'ospf-inter', 'ospf-external-1', 'ospf-external-2']);

/** The identity of a next hop within a route (see the header). */
export function nextHopKey(family: Family, protocol: RouteProtocol, hop: RibNextHop): string {
  if (protocol === 'connected') return hop.interface;
  if (family === 'ipv4') return hop.via ? `${hop.interface} via ${hop.via}` : hop.interface;
  return hop.neighbour ? `${hop.interface} to ${hop.neighbour}` : hop.interface;
}

function describeHop(family: Family, protocol: RouteProtocol, hop: RibNextHop): string {
  const key = nextHopKey(family, protocol, hop);
  return family === 'ipv4' && hop.neighbour && protocol !== 'connected' ? `${key} (${hop.neighbour})` : key;
}

function answer(family: Family, r: RibRoute): RouteAnswer {
  const nextHops = r.nextHops.map((h) => describeHop(family, r.protocol, h)).sort();
  return { protocol: r.protocol, metric: r.metric, nextHops };
}

function say(a: RouteAnswer | undefined): string {
  if (!a) return 'no route';
  const hops = a.nextHops.length === 0 ? 'discard' : a.nextHops.join(', ');
  return `${a.protocol}${OSPF.has(a.protocol) ? ` cost ${a.metric}` : ''} → ${hops}`;
}

function canonical(prefix: string): string {
  try {
    return formatPrefix(parsePrefix(prefix, { allowHostBits: true }));
  } catch (e) {
    if (e instanceof PrefixError) return prefix;
    throw e;
  }
}

function byPrefix(rib: DeviceRib): Map<string, RibRoute> {
  return new Map(rib.routes.map((r) => [canonical(r.prefix), r]));
}

const ribKey = (r: DeviceRib) => `${r.device}\u0000${r.family}`;

export function compareRibs(computed: readonly DeviceRib[], actual: readonly DeviceRib[], opts: CompareOptions = {}): RibComparison {
  const L = opts.labels ?? { computed: 'computed', actual: 'FRR' };
  const mine = new Map(computed.map((r) => [ribKey(r), r]));
  const theirs = new Map(actual.map((r) => [ribKey(r), r]));
  const mismatches: RibMismatch[] = [];
  const allowances: RibAllowance[] = [];
  const totals: RibComparison['totals'] = { ipv4: { devices: 0, prefixes: 0, agreeing: 0 }, ipv6: { devices: 0, prefixes: 0, agreeing: 0 } };

  for (const key of [...new Set([...mine.keys(), ...theirs.keys()])].sort()) {
    const c = mine.get(key);
    const a = theirs.get(key);
    const { device, family } = (c ?? a)!;
    totals[family].devices++;
    if (!c || !a) {
      const missingOn = c ? L.actual : L.computed;
      mismatches.push({
        device,
        family,
        kind: 'device-missing',
        message: `${device} [${family}]: no RIB from ${missingOn} (${c ? L.computed : L.actual} has ${(c ?? a)!.routes.length} routes)`,
      });
      continue;
    }
    const cm = byPrefix(c);
    const am = byPrefix(a);
    const prefixes = [...new Set([...cm.keys(), ...am.keys()])].sort();
    totals[family].prefixes += prefixes.length;
    for (const prefix of prefixes) {
      const cr = cm.get(prefix);
      const ar = am.get(prefix);
      const ca = cr && answer(family, cr);
      const aa = ar && answer(family, ar);
      const both = `${L.computed}: ${say(ca)}; ${L.actual}: ${say(aa)}`;
      const push = (kind: RibMismatchKind, what: string) =>
        mismatches.push({ device, family, prefix, kind, computed: ca, actual: aa, message: `${device} ${prefix}: ${what} — ${both}` });
      if (!cr || !ar) {
        push('route-missing', `only ${cr ? L.computed : L.actual} has a route`);
        continue;
      }
      if (cr.protocol !== ar.protocol) {
        push('protocol', 'different protocol');
        continue;
      }
      const keys = (hops: RibNextHop[]) => new Set(hops.map((h) => nextHopKey(family, cr.protocol, h)));
      const ak = keys(ar.nextHops);
      // The computed side knows the router installs one of several groups (a dialect behaviour), not which.
      const oneOf = cr.installsOneOf && !ar.installsOneOf ? cr.installsOneOf.map(keys) : undefined;
      const chosen = oneOf?.find((g) => g.size === ak.size && [...g].every((k) => ak.has(k)));
      const ck = chosen ?? keys(cr.nextHops);
      const onlyC = [...ck].filter((k) => !ak.has(k)).sort();
      const onlyA = [...ak].filter((k) => !ck.has(k)).sort();
      if (oneOf && !chosen) {
        const groups = oneOf.map((g) => `{${[...g].sort().join(', ')}}`).join(' or ');
        push('next-hops', `${L.actual} installs none of the paths one of which it keeps (${groups})`);
        continue;
      }
      // The dialect may install a non-empty subset of equal-cost next hops (DialectBehaviour.ospfv3EcmpSubset).
      if (!oneOf && cr.installsSubset && !ar.installsSubset && onlyC.length && !onlyA.length && ak.size && cr.metric === ar.metric) {
        allowances.push({
          device,
          family,
          prefix,
          behaviour: 'ospfv3EcmpSubset',
          message: `${device} ${prefix}: ${L.actual} installs a subset of the equal-cost next hops (without ${onlyC.join(', ')}), as the dialect does — ${both}`,
        });
        totals[family].agreeing++;
        continue;
      }
      if (onlyC.length || onlyA.length) {
        const parts = [onlyC.length ? `only ${L.computed}: ${onlyC.join(', ')}` : '', onlyA.length ? `only ${L.actual}: ${onlyA.join(', ')}` : ''].filter(
          Boolean,
        );
        push('next-hops', `different next hops (${parts.join('; ')})`);
        continue;
      }
      if (OSPF.has(cr.protocol) && cr.metric !== ar.metric) {
        push('metric', `different cost (${cr.metric} vs ${ar.metric})`);
        continue;
      }
      totals[family].agreeing++;
    }
  }
  return { mismatches, allowances, totals };
}
