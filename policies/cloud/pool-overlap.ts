/**
 * CLD-007: no cloud address pool overlaps anything else that is routed or reserved — a site block
 * (and so a LAN, a loopback, a link), a legacy extranet's range (国网/省网), another cloud's pool,
 * the DR replication pool. Pools from the province IPAM never do by construction; an explicit
 * `tenant_pools` range or a hand-edited ledger can, and then townships would reach the wrong
 * network (or none). Each finding names both objects.
 */
import { overlaps, contains, parsePrefix, PrefixError, type Prefix } from '../../lib/ip.js';
import type { Site, Topology } from '../../network/types.js';
import type { CloudModel } from '../../stacks/cloud/model.js';
import type { Inventory } from '../../inventory/load.js';
import { definePolicy, type Violation } from '../types.js';

interface Named {
  name: string;
  prefix: Prefix;
  /** Objects of one owner (a cloud) may nest (a tenant subnet in its aggregate). */
  owner: string;
}

const parse = (text: string): Prefix | undefined => {
  try {
    return parsePrefix(text);
  } catch (e) {
    if (e instanceof PrefixError) return undefined; // CLD-005 reports malformed subnets
    throw e;
  }
};

/** The cloud-side objects the rule checks: per cloud its provider network, tenant aggregate and tenant subnets, and the DR replication pool. */
function cloudPools(m: CloudModel): Named[] {
  const out: Named[] = [];
  const add = (name: string, owner: string, text: string) => {
    const prefix = parse(text);
    if (prefix) out.push({ name, prefix, owner });
  };
  for (const c of m.registry.clouds) {
    for (const fam of ['ipv4', 'ipv6'] as const) {
      add(`cloud:${c.id} provider network ${c.extranet.subnets[fam]}`, c.id, c.extranet.subnets[fam]);
      add(`cloud:${c.id} tenant pool ${c.tenantPool[fam]}`, c.id, c.tenantPool[fam]);
      for (const t of c.tenants) add(`cloud:${c.id} tenant ${t.department} subnet ${t.subnets[fam]}`, c.id, t.subnets[fam]);
    }
  }
  for (const fam of ['ipv4', 'ipv6'] as const) add(`DR replication pool ${m.registry.dr.replicationPool[fam]}`, 'dr', m.registry.dr.replicationPool[fam]);
  return out;
}

/**
 * The sites a prefix collides with, most specific first: a site whose block lies inside the
 * prefix is named (not its descendants); a site whose block holds the prefix is named only when
 * none of its children overlaps it (the prefix sits in the site's own part of the block). The
 * province block is the supernet the IPAM hands out, pools included: there only the province's
 * own infra (LAN, loopbacks, links) and its children's blocks count.
 */
function overlappedSites(
  topology: Topology,
  p: Prefix,
  parsed: Map<string, { block?: Prefix; infra?: Prefix; lan?: Prefix }>,
): Array<{ site: Site; what: 'block' | 'LAN' }> {
  const byId = new Map(topology.sites.map((s) => [s.id, s]));
  const root = topology.sites.find((s) => s.parent === undefined);
  const out: Array<{ site: Site; what: 'block' | 'LAN' }> = [];
  const fam = p.family;
  const blockOf = (s: Site) => {
    let e = parsed.get(`${s.id}/${fam}`);
    if (!e) parsed.set(`${s.id}/${fam}`, (e = { block: parse(s.block[fam]), infra: parse(s.infra[fam]), lan: parse(s.lan[fam]) }));
    return e;
  };
  const visit = (s: Site) => {
    const { block, infra, lan } = blockOf(s);
    if (!block || !overlaps(block, p)) return;
    if (s === root && !(infra && overlaps(infra, p)) && contains(block, p)) {
      for (const k of s.children.map((c) => byId.get(c))) if (k) visit(k);
      return;
    }
    if (contains(p, block)) {
      out.push({ site: s, what: 'block' });
      return;
    }
    const kids = s.children
      .map((c) => byId.get(c))
      .filter((k): k is Site => k !== undefined && blockOf(k).block !== undefined && overlaps(blockOf(k).block!, p));
    if (kids.length === 0) out.push({ site: s, what: lan && overlaps(lan, p) ? 'LAN' : 'block' });
    for (const k of kids) visit(k);
  };
  if (root) visit(root);
  // Sites outside the province block (a data centre addressed apart) are checked directly.
  for (const s of topology.sites) if (s.parent === undefined && s !== root) visit(s);
  return out;
}

export const noPoolOverlap = definePolicy({
  id: 'CLD-007',
  title: 'no cloud pool overlaps a site, a LAN, a legacy range or another pool',
  severity: 'hard',
  description:
    'Tenant and provider networks are routed into the backbone: a pool that overlaps a site block or LAN, a legacy extranet range (国网/省网) still routed during the merge, another cloud or the DR replication pool makes the same address mean two places. Pools come from the province IPAM; an explicit range must keep clear of all of these.',
  requires: ['cloud', 'topology', 'inventory'],
  check({ cloud: m, topology, inventory }: { cloud: CloudModel; topology: Topology; inventory: Inventory }) {
    const out: Violation[] = [];
    const location = { file: m.registry.file };
    const pools = cloudPools(m);
    const legacy: Named[] = [];
    for (const [id, net] of Object.entries(inventory.legacy.networks)) {
      const p = parse(net.supernet_ipv4);
      if (p) legacy.push({ name: `legacy:${id} (${net.name}) ${net.supernet_ipv4}`, prefix: p, owner: `legacy:${id}` });
    }
    const parsed = new Map<string, { block?: Prefix; infra?: Prefix; lan?: Prefix }>();
    // Tenant subnets are checked against the sites one by one (each collision named exactly); an
    // aggregate against the sites only where it holds no subnet of its own that already says so.
    for (const pool of pools) {
      if (pool.name.includes(' tenant pool ')) continue;
      for (const { site, what } of overlappedSites(topology, pool.prefix, parsed)) {
        out.push({
          resource: resourceOf(pool),
          message: `${pool.name} overlaps site:${site.id} ${what} ${what === 'LAN' ? site.lan[pool.prefix.family] : site.block[pool.prefix.family]}`,
          location,
        });
      }
      for (const l of legacy)
        if (overlaps(l.prefix, pool.prefix)) out.push({ resource: resourceOf(pool), message: `${pool.name} overlaps ${l.name}`, location });
    }
    for (const agg of pools.filter((p) => p.name.includes(' tenant pool '))) {
      for (const l of legacy) if (overlaps(l.prefix, agg.prefix)) out.push({ resource: resourceOf(agg), message: `${agg.name} overlaps ${l.name}`, location });
    }
    // Between pools: objects of different owners never overlap; of one owner only by nesting a
    // tenant subnet inside its own aggregate.
    const sorted = [...pools].sort((a, b) =>
      a.prefix.family < b.prefix.family
        ? -1
        : a.prefix.family > b.prefix.family
          ? 1
          : a.prefix.network < b.prefix.network
            ? -1
            : a.prefix.network > b.prefix.network
              ? 1
              : a.prefix.length - b.prefix.length,
    );
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j]!;
        if (b.prefix.family !== a.prefix.family || !overlaps(a.prefix, b.prefix)) {
          if (
            b.prefix.family !== a.prefix.family ||
            b.prefix.network > a.prefix.network + (1n << BigInt((a.prefix.family === 'ipv4' ? 32 : 128) - a.prefix.length))
          )
            break;
          continue;
        }
        const nested = a.owner === b.owner && a.name.includes(' tenant pool ') && b.name.includes(' tenant ') && contains(a.prefix, b.prefix);
        if (!nested) out.push({ resource: resourceOf(b), message: `${b.name} overlaps ${a.name}`, location });
      }
    }
    return out;
  },
});

const resourceOf = (n: Named) => (n.owner === 'dr' ? 'dr:replication-pool' : `cloud:${n.owner}`);
