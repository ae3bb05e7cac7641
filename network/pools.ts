/**
 * Address pools the province IPAM hands to things attached at a site rather than to sites: a
 * cloud's routed provider network, its tenant aggregate, each tenant's subnet inside that, a load
 * balancer's VIP. They are recorded in the same ledger as the site blocks (`pools`) and follow the
 * same rules: an entry is never moved, a new pool takes the lowest free aligned prefix, and a
 * removed pool's entry stays reserved until a person deletes it.
 *
 * A pool comes from one of three places:
 *   - `province`: the province block, beside the cities, departments and data centres — clear of
 *     every site block, every other pool and the legacy extranets' ranges;
 *   - a pool requested earlier (a tenant subnet inside its cloud's tenant aggregate);
 *   - an explicit range the inventory names (an estate that brings its own addressing): carved as
 *     declared, without looking at the sites — whether it collides is the policies' to say.
 * Pure.
 */
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import { contains, formatPrefix, overlaps, parsePrefix, PrefixError, subnet, type Prefix } from '../lib/ip.js';
import { nextFreePrefix } from './free-prefix.js';
import { FAMILIES, type DualStack, type Family } from './types.js';

type PoolParent = { kind: 'province' } | { kind: 'pool'; id: string } | { kind: 'range'; prefixes: DualStack; file: string; path: string };

export interface PoolRequest {
  /** Ledger key, e.g. `cloud/provincial/provider`, `cloud/provincial/tenant/finance`. */
  id: string;
  parent: PoolParent;
  lengths: DualStack<number>;
  /** Leave the first prefix of this length inside the parent to something else (Neutron's half of a provider network). */
  skipFirst?: DualStack<number>;
  /** Where a person declared what the pool is for (errors name it). */
  file: string;
  path: string;
}

/** What is routed at a site for an attachment: the hosting site's first router carries the pool into OSPF. */
export interface AttachedNetworkRequest {
  pool: string;
  site: string;
  /** `cloud:<id>` */
  owner: string;
  role: 'provider' | 'tenants';
  /** Linux-safe interface name on the hosting router. */
  interface: string;
  description: string;
}

/** A published service: its VIP is a pool of one address (a /32 and a /128). */
export interface ServiceRequest {
  id: string;
  owner: string;
  cloudKind: string;
  name: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  /** The VIP's pool id. */
  vip: string;
  site: string;
  /** Who must reach it: every site of the province, or the sites of one city. */
  audience: { kind: 'province' } | { kind: 'city'; city: string };
}

export interface AttachmentRequests {
  pools: PoolRequest[];
  networks: AttachedNetworkRequest[];
  services: ServiceRequest[];
}

export const NO_ATTACHMENTS: AttachmentRequests = { pools: [], networks: [], services: [] };

export interface PoolContext {
  supernets: DualStack<Prefix>;
  /** Blocks of the province's children and its infra: what a `province` pool must keep clear of. */
  provinceTaken: DualStack<Prefix[]>;
  /** Legacy extranet ranges (国网/省网) a `province` pool must keep clear of. */
  legacy: DualStack<Prefix[]>;
  /** The ledger's pool entries as they were. */
  existing: Record<string, DualStack>;
  ledgerFile: string;
}

export interface PoolPlan {
  pools: Map<string, DualStack<Prefix>>;
  /** Ledger `pools` after this run (entries of removed pools kept). */
  ledger: Record<string, DualStack>;
  added: string[];
  orphaned: string[];
}

/** Parse the ledger's pool entries; bad ones are reported together. */
export function parsePoolEntries(existing: Record<string, DualStack>, ledgerFile: string): Map<string, DualStack<Prefix>> {
  const errors: StacksError[] = [];
  const out = new Map<string, DualStack<Prefix>>();
  for (const [id, entry] of Object.entries(existing)) {
    const parsed: Partial<DualStack<Prefix>> = {};
    for (const fam of FAMILIES) {
      try {
        const p = parsePrefix(entry[fam]);
        if (p.family !== fam) throw new PrefixError(`"${entry[fam]}" is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
        parsed[fam] = p;
      } catch (e) {
        if (!(e instanceof PrefixError)) throw e;
        errors.push(inputError('E_LEDGER_PREFIX', ledgerFile, `pools.${id}.${fam}`, e.message));
      }
    }
    if (parsed.ipv4 && parsed.ipv6) out.set(id, parsed as DualStack<Prefix>);
  }
  if (errors.length) throw new StacksErrors(errors);
  return out;
}

/** The ledger entries of pools that come from the province plan: the sites' allocation keeps clear of them. */
export function provincePoolEntries(
  requests: readonly PoolRequest[],
  parsed: Map<string, DualStack<Prefix>>,
  supernets: DualStack<Prefix>,
): DualStack<Prefix>[] {
  const fromProvince = new Set(requests.filter((r) => r.parent.kind === 'province').map((r) => r.id));
  const requested = new Set(requests.map((r) => r.id));
  const out: DualStack<Prefix>[] = [];
  for (const [id, p] of parsed) {
    // A removed pool's entry inside the supernet stays reserved like a removed site's block.
    const orphanInside = !requested.has(id) && contains(supernets.ipv4, p.ipv4) && contains(supernets.ipv6, p.ipv6);
    if (fromProvince.has(id) || orphanInside) out.push(p);
  }
  return out;
}

export function planPools(requests: readonly PoolRequest[], ctx: PoolContext): PoolPlan {
  const errors: StacksError[] = [];
  const parsed = parsePoolEntries(ctx.existing, ctx.ledgerFile);
  const requested = new Set(requests.map((r) => r.id));
  const orphaned = [...parsed.keys()].filter((id) => !requested.has(id)).sort();
  const pools = new Map<string, DualStack<Prefix>>();
  const added: string[] = [];
  // Per parent (and family) what is taken inside it, grown as pools are placed.
  const takenIn = new Map<string, DualStack<Prefix[]>>();
  const province: DualStack<Prefix[]> = {
    ipv4: [...ctx.provinceTaken.ipv4, ...ctx.legacy.ipv4],
    ipv6: [...ctx.provinceTaken.ipv6, ...ctx.legacy.ipv6],
  };
  // Removed pools' entries stay reserved; the requested ones are placed first, below.
  // (only the outermost: one nested in a pool still requested is reserved inside that pool).
  const nestedInAnother = (id: string, o: DualStack<Prefix>) =>
    [...parsed].some(([other, q]) => other !== id && contains(q.ipv4, o.ipv4) && q.ipv4.length < o.ipv4.length);
  for (const id of orphaned) {
    const o = parsed.get(id)!;
    if (FAMILIES.every((fam) => contains(ctx.supernets[fam], o[fam])) && !nestedInAnother(id, o)) for (const fam of FAMILIES) province[fam].push(o[fam]);
  }
  takenIn.set('province', province);
  const parentKey = (r: PoolRequest) =>
    r.parent.kind === 'province' ? 'province' : r.parent.kind === 'pool' ? `pool:${r.parent.id}` : `range:${r.parent.prefixes.ipv4} ${r.parent.prefixes.ipv6}`;

  // Every ledger entry's place is reserved before anything new is placed, so a new pool never takes
  // an address a later entry in the same parent already holds.
  const parentOf = (r: PoolRequest): DualStack<Prefix> | undefined => {
    if (r.parent.kind === 'province') return ctx.supernets;
    if (r.parent.kind === 'pool') return pools.get(r.parent.id);
    const range = r.parent;
    try {
      const p = { ipv4: parsePrefix(range.prefixes.ipv4), ipv6: parsePrefix(range.prefixes.ipv6) };
      for (const fam of FAMILIES)
        if (p[fam].family !== fam) throw new PrefixError(`"${range.prefixes[fam]}" is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
      return p;
    } catch (e) {
      if (!(e instanceof PrefixError)) throw e;
      errors.push(inputError('E_POOL_RANGE', range.file, range.path, e.message));
      return undefined;
    }
  };
  const takenFor = (key: string, parent: DualStack<Prefix>, r: PoolRequest): DualStack<Prefix[]> => {
    let t = takenIn.get(key);
    if (!t) {
      t = { ipv4: [], ipv6: [] };
      for (const fam of FAMILIES) if (r.skipFirst) t[fam].push(subnet(parent[fam], r.skipFirst[fam], 0));
      // Entries of removed pools inside this parent stay reserved.
      for (const id of orphaned) {
        const o = parsed.get(id)!;
        if (FAMILIES.every((fam) => contains(parent[fam], o[fam]) && o[fam].length > parent[fam].length)) for (const fam of FAMILIES) t[fam].push(o[fam]);
      }
      takenIn.set(key, t);
    }
    return t;
  };

  const ordered = [...requests.filter((r) => parsed.has(r.id)), ...requests.filter((r) => !parsed.has(r.id))];
  // Children need their parent placed first: requests come parents-first, so a second pass is
  // only needed for a ledger child whose parent is new.
  const pending = new Set(ordered);
  for (let pass = 0; pass < 2 && pending.size; pass++) {
    for (const r of ordered) {
      if (!pending.has(r)) continue;
      if (r.parent.kind === 'pool' && !pools.has(r.parent.id)) {
        if (!requested.has(r.parent.id)) {
          pending.delete(r);
          errors.push(inputError('E_POOL_PARENT', r.file, r.path, `pool ${r.id} names parent pool ${r.parent.id}, which nothing requests`));
        }
        continue;
      }
      pending.delete(r);
      const parent = parentOf(r);
      if (!parent) continue;
      const key = parentKey(r);
      const taken = takenFor(key, parent, r);
      const entry = parsed.get(r.id);
      const placed = {} as DualStack<Prefix>;
      let ok = true;
      for (const fam of FAMILIES) {
        const p = entry
          ? checkEntry(r, fam, entry[fam], parent[fam], taken[fam], ctx.ledgerFile, errors)
          : nextFreePrefix(parent[fam], r.lengths[fam], taken[fam]);
        if (!p) {
          if (!entry)
            errors.push(
              inputError(
                'E_POOL_FULL',
                r.file,
                r.path,
                `no free /${r.lengths[fam]} left in ${formatPrefix(parent[fam])} for ${r.id}`,
                'a shorter pool length, or more room in the parent',
              ),
            );
          ok = false;
          continue;
        }
        placed[fam] = p;
      }
      if (!ok) continue;
      for (const fam of FAMILIES) taken[fam].push(placed[fam]);
      pools.set(r.id, placed);
      if (!entry) added.push(r.id);
    }
  }
  if (errors.length) throw new StacksErrors(errors);
  const ledger: Record<string, DualStack> = {};
  for (const [id, p] of pools) ledger[id] = { ipv4: formatPrefix(p.ipv4), ipv6: formatPrefix(p.ipv6) };
  for (const id of orphaned) ledger[id] = { ...ctx.existing[id]! };
  return { pools, ledger: Object.fromEntries(Object.entries(ledger).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), added, orphaned };
}

function checkEntry(
  r: PoolRequest,
  fam: Family,
  entry: Prefix,
  parent: Prefix,
  taken: readonly Prefix[],
  ledgerFile: string,
  errors: StacksError[],
): Prefix | undefined {
  const at = `pools.${r.id}.${fam}`;
  if (entry.length !== r.lengths[fam]) {
    errors.push(
      inputError(
        'E_LEDGER_LENGTH',
        ledgerFile,
        at,
        `${formatPrefix(entry)} is a /${entry.length}, but ${r.id} asks for a /${r.lengths[fam]} (${r.file}: ${r.path})`,
        'a pool is never renumbered: restore its length, or delete the entry to have it allocated anew',
      ),
    );
    return undefined;
  }
  if (!contains(parent, entry)) {
    errors.push(inputError('E_LEDGER_OUTSIDE', ledgerFile, at, `${formatPrefix(entry)} lies outside ${formatPrefix(parent)}, where ${r.id} comes from`));
    return undefined;
  }
  const clash = taken.find((t) => overlaps(t, entry));
  if (clash) {
    errors.push(inputError('E_LEDGER_OVERLAP', ledgerFile, at, `${formatPrefix(entry)} overlaps ${formatPrefix(clash)}, already allocated`));
    return undefined;
  }
  return entry;
}
