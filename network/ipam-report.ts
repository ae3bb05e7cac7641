/**
 * What IPAM answers a person: how full each block is, and where the next free prefix of a given
 * length lies inside a block (a site's block or any prefix inside the supernets).
 */
import { contains, formatPrefix, overlaps, parsePrefix, PrefixError, size, type Prefix } from '../lib/ip.js';
import { inputError } from '../lib/errors.js';
import { nextFreePrefix, type IpamPlan } from './ipam.js';
import { FAMILIES, type Family, type Level } from './types.js';

export interface BlockUsage {
  site: string;
  level: Level;
  family: Family;
  block: string;
  /** Children blocks plus the site's own infra block, as a share of the block. */
  used: number;
  children: number;
}

/** Every allocated prefix of a family: site blocks (incl. reserved orphans) and infra blocks. */
function allocated(plan: IpamPlan, family: Family): Array<{ prefix: Prefix; infra: boolean }> {
  const out: Array<{ prefix: Prefix; infra: boolean }> = [];
  for (const b of plan.blocks.values()) out.push({ prefix: b.block[family], infra: false }, { prefix: b.infra[family], infra: true });
  for (const id of plan.orphaned) out.push({ prefix: parsePrefix(plan.ledger.allocations[id]![family]), infra: false });
  return out;
}

export function blockUsage(plan: IpamPlan, filter?: { level?: Level; site?: string; family?: Family }): BlockUsage[] {
  const out: BlockUsage[] = [];
  const kids = new Map<string, string[]>();
  for (const s of plan.sites) if (s.parent) (kids.get(s.parent) ?? kids.set(s.parent, []).get(s.parent)!).push(s.id);
  for (const site of plan.sites) {
    if (filter?.level && site.level !== filter.level) continue;
    if (filter?.site && site.id !== filter.site) continue;
    const b = plan.blocks.get(site.id)!;
    for (const family of FAMILIES) {
      if (filter?.family && family !== filter.family) continue;
      const children = kids.get(site.id) ?? [];
      let used = children.length ? size(b.infra[family]) : size(b.block[family]);
      for (const c of children) used += size(plan.blocks.get(c)!.block[family]);
      const total = size(b.block[family]);
      out.push({
        site: site.id,
        level: site.level,
        family,
        block: formatPrefix(b.block[family]),
        used: Number((used * 1_000_000n) / total) / 1_000_000,
        children: children.length,
      });
    }
  }
  return out;
}

/**
 * The next free prefix of `length` in `within`: a site id (its block, for the given family) or a
 * prefix. Free means overlapping no allocated block, infra block or reserved ledger entry.
 */
export function nextFree(plan: IpamPlan, within: string, length: number, family?: Family): { within: string; prefix: string | null } {
  let block: Prefix;
  const site = plan.blocks.get(within);
  if (site) block = site.block[family ?? 'ipv4'];
  else {
    try {
      block = parsePrefix(within);
    } catch (e) {
      if (e instanceof PrefixError) throw inputError('E_USAGE', '(command line)', '--in', `"${within}" is neither a site id nor a prefix: ${e.message}`);
      throw e;
    }
    if (!contains(plan.supernets[block.family], block))
      throw inputError(
        'E_USAGE',
        '(command line)',
        '--in',
        `${within} lies outside the ${block.family} supernet ${formatPrefix(plan.supernets[block.family])}`,
      );
  }
  // Lengths per family: an IPv4 /56 is not a prefix (IPv4 lengths stop at 32), nor one shorter than the block.
  const max = block.family === 'ipv4' ? 32 : 128;
  if (!Number.isInteger(length) || length > max)
    throw inputError(
      'E_USAGE',
      '(command line)',
      '--length',
      `/${length} is not an ${block.family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix length (0–${max})`,
      block.family === 'ipv4' ? 'for IPv6 pass --family ipv6' : undefined,
    );
  if (length < block.length)
    throw inputError('E_USAGE', '(command line)', '--length', `/${length} is larger than the block ${formatPrefix(block)} it should lie in`);
  // What lies inside `block` occupies it; the block's own allocation (or an ancestor's) does not,
  // but an infra block does even when it is the whole block (a leaf site's).
  const taken = allocated(plan, block.family)
    .filter((a) => overlaps(a.prefix, block) && (a.infra || a.prefix.length > block.length))
    .map((a) => a.prefix);
  const free = nextFreePrefix(block, length, taken);
  return { within: formatPrefix(block), prefix: free ? formatPrefix(free) : null };
}
