/**
 * Hierarchical, dual-stack, stable address allocation. Each site receives a block of its level's
 * length from its parent's block; the parent keeps the first infra-sized prefix for itself (its LAN,
 * loopbacks and point-to-point links). The ledger records every site's block: an entry is never
 * moved, and a new site takes the lowest free aligned prefix, so adding or removing a site
 * renumbers nobody else. Pure: the ledger comes in, the extended ledger goes out.
 */
import type { Inventory } from '../inventory/load.js';
import type { LedgerFile } from '../inventory/schema.js';
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import { contains, formatPrefix, overlaps, parsePrefix, PrefixError, subnet, BITS, type Prefix } from '../lib/ip.js';
import { siteTree, type SiteSeed } from './sites.js';
import { FAMILIES, type DualStack, type Family, type Level } from './types.js';
import { nextFreePrefix } from './free-prefix.js';
import { parsePoolEntries, planPools, provincePoolEntries, type AttachmentRequests } from './pools.js';
import { cloudAttachments } from '../cloud/pools.js';

export interface SiteBlocks {
  block: DualStack<Prefix>;
  infra: DualStack<Prefix>;
}

export interface IpamPlan {
  sites: SiteSeed[];
  blocks: Map<string, SiteBlocks>;
  supernets: DualStack<Prefix>;
  /** The ledger as it must be after this run (existing entries plus new ones). */
  ledger: LedgerFile;
  /** Sites that had no ledger entry and were allocated now. */
  added: string[];
  /** Ledger entries whose site no longer exists: their blocks stay reserved. */
  orphaned: string[];
  /** Pools of what is attached at sites (the clouds' provider and tenant networks, VIPs), by ledger key. */
  pools: Map<string, DualStack<Prefix>>;
  /** What the pools are for: the topology routes and lists them. */
  attachments: AttachmentRequests;
  /** Pools allocated now (now recorded in the ledger). */
  addedPools: string[];
}

interface FamilyPlan {
  supernet: Prefix;
  block: Record<Level, number>;
  infra: number;
}

/**
 * `attachments`: the pools to allocate besides the site blocks; by default the clouds' of the
 * inventory (clouds.yaml), so every caller of buildTopology(inventory) sees the same routed clouds.
 */
export function planAddresses(inv: Inventory, attachments: AttachmentRequests = cloudAttachments(inv)): IpamPlan {
  const provinceFile = inv.paths.province!;
  const ledgerFile = inv.paths.ledger!;
  const errors: StacksError[] = [];
  const plans = {} as Record<Family, FamilyPlan>;
  for (const fam of FAMILIES) {
    const cfg = inv.province.ipam[fam];
    try {
      const supernet = parsePrefix(cfg.supernet);
      if (supernet.family !== fam) throw new PrefixError(`"${cfg.supernet}" is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
      plans[fam] = { supernet, block: cfg.block, infra: cfg.infra };
      checkLengths(fam, plans[fam], provinceFile, errors);
    } catch (e) {
      if (!(e instanceof PrefixError)) throw e;
      errors.push(inputError('E_PREFIX', provinceFile, `ipam.${fam}.supernet`, e.message));
    }
  }
  if (errors.length) throw new StacksErrors(errors);

  const sites = siteTree(inv);
  const byId = new Map(sites.map((s) => [s.id, s]));
  const children = new Map<string, SiteSeed[]>();
  for (const s of sites) if (s.parent) (children.get(s.parent) ?? children.set(s.parent, []).get(s.parent)!).push(s);

  const blocks = new Map<string, SiteBlocks>();
  const allocations: LedgerFile['allocations'] = {};
  const added: string[] = [];
  const orphaned = Object.keys(inv.ledger.allocations)
    .filter((id) => !byId.has(id))
    .sort();
  const province = sites[0]!;

  // Parse every existing entry once; bad ones are reported together.
  const existing = new Map<string, DualStack<Prefix>>();
  for (const [id, entry] of Object.entries(inv.ledger.allocations)) {
    const parsed: Partial<DualStack<Prefix>> = {};
    for (const fam of FAMILIES) {
      try {
        const p = parsePrefix(entry[fam]);
        if (p.family !== fam) throw new PrefixError(`"${entry[fam]}" is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
        if (!contains(plans[fam].supernet, p)) throw new PrefixError(`${entry[fam]} lies outside the supernet ${formatPrefix(plans[fam].supernet)}`);
        parsed[fam] = p;
      } catch (e) {
        if (!(e instanceof PrefixError)) throw e;
        errors.push(inputError('E_LEDGER_PREFIX', ledgerFile, `allocations.${id}.${fam}`, e.message));
      }
    }
    if (parsed.ipv4 && parsed.ipv6) existing.set(id, parsed as DualStack<Prefix>);
  }
  if (errors.length) throw new StacksErrors(errors);

  const poolEntries = parsePoolEntries(inv.ledger.pools ?? {}, ledgerFile);
  // New sites keep clear of pools the ledger already gave out from the province plan.
  const reservedPools = provincePoolEntries(attachments.pools, poolEntries, { ipv4: plans.ipv4.supernet, ipv6: plans.ipv6.supernet });

  const blockOf = (site: SiteSeed, fam: Family, parentBlock: Prefix | undefined, taken: Prefix[]): Prefix | undefined => {
    const want = plans[fam].block[site.level];
    const entry = existing.get(site.id)?.[fam];
    if (entry) {
      if (entry.length !== want && site.level !== 'province') {
        errors.push(
          inputError(
            'E_LEDGER_LENGTH',
            ledgerFile,
            `allocations.${site.id}.${fam}`,
            `${formatPrefix(entry)} is a /${entry.length}, but ${site.level} blocks are /${want} (province.yaml ipam.${fam}.block.${site.level})`,
          ),
        );
        return undefined;
      }
      if (parentBlock && !contains(parentBlock, entry)) {
        errors.push(
          inputError(
            'E_LEDGER_OUTSIDE',
            ledgerFile,
            `allocations.${site.id}.${fam}`,
            `${formatPrefix(entry)} lies outside its parent ${site.parent}'s block ${formatPrefix(parentBlock)}`,
          ),
        );
        return undefined;
      }
      const clash = taken.find((t) => overlaps(t, entry));
      if (clash) {
        errors.push(
          inputError(
            'E_LEDGER_OVERLAP',
            ledgerFile,
            `allocations.${site.id}.${fam}`,
            `${formatPrefix(entry)} overlaps ${formatPrefix(clash)}, already allocated under ${site.parent}`,
          ),
        );
        return undefined;
      }
      return entry;
    }
    if (!parentBlock) return subnet(plans[fam].supernet, want, 0);
    const free = nextFreePrefix(parentBlock, want, taken, true);
    if (!free) {
      errors.push(
        inputError(
          'E_SUPERNET_FULL',
          provinceFile,
          `ipam.${fam}.block.${site.level}`,
          `no free /${want} left in ${site.parent}'s block ${formatPrefix(parentBlock)} for ${site.id} (${(children.get(site.parent!) ?? []).length} children)`,
          `enlarge ipam.${fam}.supernet or the ${site.parent ? byId.get(site.parent)?.level : ''} block length`,
        ),
      );
    }
    return free;
  };

  // Breadth-first so that a parent's block exists before its children take theirs. Within a parent,
  // ledger entries are placed first (they may not move), then new sites in id order.
  const visit = (site: SiteSeed, parentBlocks?: SiteBlocks, siblingsTaken?: Record<Family, Prefix[]>) => {
    const block = {} as DualStack<Prefix>;
    for (const fam of FAMILIES) {
      const b = blockOf(site, fam, parentBlocks?.block[fam], siblingsTaken?.[fam] ?? []);
      if (!b) return;
      block[fam] = b;
      if (siblingsTaken) insertSorted(siblingsTaken[fam], b);
    }
    if (!existing.has(site.id)) added.push(site.id);
    allocations[site.id] = { ipv4: formatPrefix(block.ipv4), ipv6: formatPrefix(block.ipv6) };
    const infra = {
      ipv4: subnet(block.ipv4, Math.max(plans.ipv4.infra, block.ipv4.length), 0),
      ipv6: subnet(block.ipv6, Math.max(plans.ipv6.infra, block.ipv6.length), 0),
    };
    blocks.set(site.id, { block, infra });
    const kids = children.get(site.id) ?? [];
    if (!kids.length) return;
    const taken: Record<Family, Prefix[]> = { ipv4: [infra.ipv4], ipv6: [infra.ipv6] };
    if (site === province) for (const p of reservedPools) for (const fam of FAMILIES) insertSorted(taken[fam], p[fam]);
    // Blocks of removed children stay reserved so nobody reuses a prefix still routed somewhere.
    for (const id of orphaned)
      if (inv.ledger.allocations[id] && existing.get(id) && isChildOf(id, site.id, province.id))
        for (const fam of FAMILIES) insertSorted(taken[fam], existing.get(id)![fam]);
    const ordered = [...kids.filter((k) => existing.has(k.id)), ...kids.filter((k) => !existing.has(k.id)).sort((a, b) => a.id.localeCompare(b.id))];
    for (const kid of ordered) visit(kid, { block, infra }, taken);
  };
  visit(province);
  if (errors.length) throw new StacksErrors(errors);

  for (const id of orphaned) allocations[id] = inv.ledger.allocations[id]!;
  // What a pool from the province plan keeps clear of: the province's own infra, its children's
  // blocks (a city's holds everything below it) and removed children's blocks.
  const provinceTaken: DualStack<Prefix[]> = { ipv4: [blocks.get(province.id)!.infra.ipv4], ipv6: [blocks.get(province.id)!.infra.ipv6] };
  for (const s of sites) if (s.parent === province.id) for (const fam of FAMILIES) provinceTaken[fam].push(blocks.get(s.id)!.block[fam]);
  for (const id of orphaned)
    if (existing.has(id) && isChildOf(id, province.id, province.id)) for (const fam of FAMILIES) provinceTaken[fam].push(existing.get(id)![fam]);
  const legacy: DualStack<Prefix[]> = { ipv4: [], ipv6: [] };
  for (const net of Object.values(inv.legacy.networks)) {
    try {
      legacy.ipv4.push(parsePrefix(net.supernet_ipv4));
    } catch (e) {
      if (!(e instanceof PrefixError)) throw e;
    }
  }
  const pools = planPools(attachments.pools, {
    supernets: { ipv4: plans.ipv4.supernet, ipv6: plans.ipv6.supernet },
    provinceTaken,
    legacy,
    existing: inv.ledger.pools ?? {},
    ledgerFile,
  });
  return {
    sites,
    blocks,
    supernets: { ipv4: plans.ipv4.supernet, ipv6: plans.ipv6.supernet },
    ledger: { version: 1, allocations: sortRecord(allocations), ...(Object.keys(pools.ledger).length ? { pools: pools.ledger } : {}) },
    added,
    orphaned,
    pools: pools.pools,
    attachments,
    addedPools: pools.added,
  };
}

/** An orphaned ledger id's parent, by the id scheme (`city.county.tNN` → `city.county`). */
function isChildOf(id: string, parent: string, provinceId: string): boolean {
  if (id.startsWith('dept.') || !id.includes('.')) return parent === provinceId;
  return id.slice(0, id.lastIndexOf('.')) === parent;
}

function checkLengths(fam: Family, plan: FamilyPlan, file: string, errors: StacksError[]): void {
  const b = plan.block;
  const chain: Array<[Level, Level]> = [
    ['province', 'city'],
    ['city', 'county'],
    ['county', 'township'],
    ['province', 'department'],
    ['province', 'datacenter'],
    ['city', 'datacenter'],
  ];
  if (b.province !== plan.supernet.length)
    errors.push(
      inputError(
        'E_IPAM_LENGTH',
        file,
        `ipam.${fam}.block.province`,
        `the province block (/${b.province}) must be the supernet itself (/${plan.supernet.length})`,
      ),
    );
  for (const [parent, child] of chain) {
    if (b[child] <= b[parent])
      errors.push(
        inputError(
          'E_IPAM_LENGTH',
          file,
          `ipam.${fam}.block.${child}`,
          `a ${child} block (/${b[child]}) must be smaller than a ${parent} block (/${b[parent]})`,
        ),
      );
  }
  const minInfra = fam === 'ipv4' ? 29 : 62;
  if (plan.infra > minInfra)
    errors.push(
      inputError(
        'E_IPAM_LENGTH',
        file,
        `ipam.${fam}.infra`,
        `an infra block of /${plan.infra} is too small for a LAN, loopbacks and p2p links (at most /${minInfra})`,
      ),
    );
  void BITS;
}

/** Keep a parent's taken list ordered as it grows, so each allocation scans it once without sorting. */
function insertSorted(list: Prefix[], p: Prefix): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.network < p.network) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, p);
}

function sortRecord<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export { nextFreePrefix } from './free-prefix.js';
