/**
 * Address-plan checks over the built topology, each a sort and one sweep (never all pairs):
 * duplicate addresses across every interface and loopback, duplicate OSPF router IDs, and
 * prefixes that overlap where they should not. Prefixes nest or are disjoint, so after sorting by
 * (network, length) a stack of the prefixes "still open" gives each prefix its nearest enclosing
 * one; a nesting is legitimate only between a site's block and its ancestors' blocks, or a site's
 * infrastructure block inside its own (or an ancestor's) block, or a leaf (LAN, loopback, link
 * subnet) inside a block. Everything else — two leaves nested, equal blocks of unrelated sites, a
 * block inside a LAN — is an overlap.
 */
import { PrefixError } from '../../lib/ip.js';
import { addressHex, prefixHex } from './fast-ip.js';
import type { Family, Topology } from '../types.js';
import { byObject, type VerificationCheck, type VerificationFailure } from './report.js';

interface AddressUse {
  family: Family;
  /** Family tag + fixed-width hex: equal for equal addresses, ordered like the numbers. */
  key: string;
  text: string;
  device: string;
  where: string;
}

/** `addr/len` → `addr` without the array `split` allocates (this runs ~40,000 times a verification). */
function addressOf(text: string): string {
  const slash = text.indexOf('/');
  return slash < 0 ? text : text.slice(0, slash);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every address configured on a device, loopbacks included (parsed once, compared as integers). */
function addressUses(topology: Topology, bad: VerificationFailure[]): AddressUse[] {
  const uses: AddressUse[] = [];
  const add = (family: Family, text: string | undefined, device: string, where: string) => {
    if (!text) return;
    try {
      const address = addressOf(text);
      uses.push({ family, key: (family === 'ipv4' ? '4' : '6') + addressHex(address, family), text: address, device, where });
    } catch (err) {
      if (err instanceof PrefixError) bad.push({ object: `device:${device}`, message: `${where}: ${err.message}` });
      else throw err;
    }
  };
  for (const d of topology.devices) {
    add('ipv4', d.loopback.ipv4, d.id, 'loopback');
    add('ipv6', d.loopback.ipv6, d.id, 'loopback');
    for (const i of d.interfaces) {
      // A loopback interface repeating the device's loopback address is the same address, not a duplicate.
      const lo = i.name === 'lo';
      if (i.ipv4 && !(lo && addressOf(i.ipv4) === addressOf(d.loopback.ipv4))) add('ipv4', i.ipv4, d.id, i.name);
      if (i.ipv6 && !(lo && addressOf(i.ipv6) === addressOf(d.loopback.ipv6))) add('ipv6', i.ipv6, d.id, i.name);
    }
  }
  return uses;
}

export function duplicateAddressCheck(topology: Topology): VerificationCheck {
  const failures: VerificationFailure[] = [];
  // Group by key in one hash pass (no sort): each address is looked at once.
  const seen = new Map<string, AddressUse[]>();
  for (const use of addressUses(topology, failures)) {
    const list = seen.get(use.key);
    if (list) list.push(use);
    else seen.set(use.key, [use]);
  }
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    const owners = list.map((u) => `${u.device} ${u.where}`);
    failures.push({ object: `address:${list[0]!.text}`, message: `configured ${list.length} times: ${owners.join(', ')}` });
  }
  failures.sort(byObject);
  return { id: 'unique.addresses', title: 'no address is configured twice (interfaces and loopbacks, both families)', passed: failures.length === 0, failures };
}

export function duplicateRouterIdCheck(topology: Topology): VerificationCheck {
  const sorted = topology.devices.map((d) => ({ id: d.routerId, device: d.id })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const failures: VerificationFailure[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j]!.id === sorted[i]!.id) j++;
    if (j - i > 1)
      failures.push({
        object: `router-id:${sorted[i]!.id}`,
        message: `shared by ${sorted
          .slice(i, j)
          .map((s) => s.device)
          .join(', ')}`,
      });
    i = j;
  }
  return { id: 'unique.router-ids', title: 'no two devices share an OSPF router ID', passed: failures.length === 0, failures };
}

type PrefixKind = 'block' | 'infra' | 'lan' | 'loopback' | 'link';

interface PrefixUse {
  family: Family;
  /** First and last address as fixed-width hex (string order is numeric order within a family). */
  network: string;
  last: string;
  length: number;
  text: string;
  kind: PrefixKind;
  /** Site whose block/infra/LAN this is; for links and loopbacks the owning device's site. */
  site: string;
  owner: string;
}

export interface PrefixOverlap {
  outer: PrefixUse;
  inner: PrefixUse;
}

const CONTAINER: Record<PrefixKind, boolean> = { block: true, infra: true, lan: false, loopback: false, link: false };
const KIND_ORDER: Record<PrefixKind, number> = { block: 0, infra: 1, lan: 2, link: 3, loopback: 4 };

function prefixUses(topology: Topology, bad: VerificationFailure[] = []): PrefixUse[] {
  const uses: PrefixUse[] = [];
  const add = (family: Family, text: string | undefined, kind: PrefixKind, site: string, owner: string, hostLength?: number) => {
    if (!text) return;
    try {
      const cidr = hostLength === undefined ? text : `${addressOf(text)}/${hostLength}`;
      const p = prefixHex(cidr, family);
      uses.push({ family, network: p.network, last: p.last, length: p.length, text: cidr, kind, site, owner });
    } catch (err) {
      if (err instanceof PrefixError) bad.push({ object: owner, message: `${kind} ${text}: ${err.message}` });
      else throw err;
    }
  };
  for (const s of topology.sites) {
    for (const f of ['ipv4', 'ipv6'] as const) {
      add(f, s.block[f], 'block', s.id, `site:${s.id} block`);
      add(f, s.infra[f], 'infra', s.id, `site:${s.id} infra`);
      add(f, s.lan[f], 'lan', s.id, `site:${s.id} LAN`);
    }
  }
  const siteOf = new Map(topology.devices.map((d) => [d.id, d.site]));
  for (const d of topology.devices) {
    add('ipv4', d.loopback.ipv4, 'loopback', d.site, `device:${d.id} loopback`, 32);
    add('ipv6', d.loopback.ipv6, 'loopback', d.site, `device:${d.id} loopback`, 128);
  }
  for (const l of topology.links) {
    const site = siteOf.get(l.b.device) ?? '';
    add('ipv4', l.subnet.ipv4, 'link', site, `link:${l.id}`);
    add('ipv6', l.subnet.ipv6, 'link', site, `link:${l.id}`);
  }
  return uses;
}

/** Nearest-enclosing sweep over all prefixes; returns every illegitimate nesting. */
export function findPrefixOverlaps(topology: Topology, bad: VerificationFailure[] = []): PrefixOverlap[] {
  const uses = prefixUses(topology, bad);
  const parentOf = new Map<string, string | undefined>(topology.sites.map((s) => [s.id, s.parent]));
  const isAncestor = (anc: string, site: string): boolean => {
    for (let s = parentOf.get(site); s !== undefined; s = parentOf.get(s)) if (s === anc) return true;
    return false;
  };
  const legit = (outer: PrefixUse, inner: PrefixUse): boolean => {
    if (!CONTAINER[outer.kind]) return false;
    const same = outer.network === inner.network && outer.length === inner.length;
    if (same) return outer.kind === 'block' && inner.kind === 'infra' && outer.site === inner.site;
    if (outer.kind !== 'block') return !CONTAINER[inner.kind]; // an infra block holds only leaves
    if (inner.kind === 'block') return isAncestor(outer.site, inner.site);
    if (inner.kind === 'infra') return outer.site === inner.site || isAncestor(outer.site, inner.site);
    return true;
  };
  // Per family, by (network, length, kind): a parent sorts before what it contains.
  const order = (a: PrefixUse, b: PrefixUse) => cmp(a.network, b.network) || a.length - b.length || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  const overlaps: PrefixOverlap[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const sorted = uses.filter((u) => u.family === family).sort(order);
    const open: PrefixUse[] = [];
    for (const p of sorted) {
      while (open.length && open[open.length - 1]!.last < p.network) open.pop();
      const outer = open[open.length - 1];
      if (outer && !legit(outer, p)) overlaps.push({ outer, inner: p });
      open.push(p);
    }
  }
  return overlaps;
}

export function prefixOverlapCheck(topology: Topology): VerificationCheck {
  const failures: VerificationFailure[] = [];
  for (const { outer, inner } of findPrefixOverlaps(topology, failures)) {
    failures.push({ object: `prefix:${inner.text}`, message: `${inner.owner} (${inner.text}) overlaps ${outer.owner} (${outer.text})` });
  }
  failures.sort(byObject);
  return {
    id: 'prefixes.no-overlap',
    title: 'no overlapping prefixes (links, LANs, loopbacks, site blocks other than parent/child)',
    passed: failures.length === 0,
    failures,
  };
}
