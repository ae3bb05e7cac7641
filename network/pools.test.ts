/**
 * The clouds' pools are as stable as the sites' blocks (issue 15 part 1): they live in the same
 * ledger (`pools`), so removing or adding a cloud, a tenant or a site moves no other cloud's
 * provider network, tenant aggregate, tenant subnet or VIP, in either family; a removed cloud's
 * entries stay reserved and a new cloud takes none of them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { formatPrefix, overlaps, parsePrefix } from '../lib/ip.js';
import { planAddresses, type IpamPlan } from './ipam.js';

interface CloudsDoc {
  clouds: Array<Record<string, unknown> & { id: string }>;
}

let inv: Inventory;
let base: IpamPlan;
beforeAll(async () => {
  inv = await loadInventory();
  base = planAddresses(inv);
});

/** The inventory with its ledger as the base plan left it and clouds.yaml edited. */
function withClouds(change: (doc: CloudsDoc) => void, from: Inventory = inv, ledger = base.ledger): Inventory {
  const doc = structuredClone(from.extra.clouds) as CloudsDoc;
  change(doc);
  return { ...from, ledger, extra: { ...from.extra, clouds: doc } };
}

/** Every entry of `before` whose key `keep` accepts is in `after`, unchanged. */
function keptExactly(before: IpamPlan, after: IpamPlan, keep: (id: string) => boolean): number {
  const ids = Object.keys(before.ledger.pools ?? {}).filter(keep);
  for (const id of ids) expect(after.ledger.pools?.[id], id).toEqual(before.ledger.pools![id]);
  return ids.length;
}

describe('cloud pools in the ledger are stable', () => {
  it('the default ledger holds every pool the clouds ask for: nothing new to allocate', () => {
    expect(base.addedPools).toEqual([]);
    expect(Object.keys(base.ledger.pools ?? {}).length).toBeGreaterThan(400);
    for (const [id, p] of base.pools) expect(base.ledger.pools![id], id).toEqual({ ipv4: formatPrefix(p.ipv4), ipv6: formatPrefix(p.ipv6) });
  });

  it('removing a cloud moves no other cloud’s pool and keeps its own entries reserved', () => {
    const removed = withClouds((d) => (d.clouds = d.clouds.filter((c) => c.id !== 'tongchuan')));
    const without = planAddresses(removed);
    const other = (id: string) => !id.startsWith('cloud/tongchuan/');
    expect(keptExactly(base, without, other)).toBeGreaterThan(300);
    const own = Object.keys(base.ledger.pools!).filter((id) => !other(id));
    expect(own.length).toBeGreaterThan(10);
    for (const id of own) expect(without.ledger.pools![id], id).toEqual(base.ledger.pools![id]);
    expect(without.addedPools).toEqual([]);
    expect(own.every((id) => !without.pools.has(id))).toBe(true);

    // a cloud added after that gets fresh addresses: none of the reserved ones, nobody moves
    const grown = planAddresses(
      withClouds(
        (d) => {
          const market = d.clouds.find((c) => c.id === 'market')!;
          d.clouds.push({
            ...structuredClone(market),
            id: 'ecology',
            name: '生态环境行业云',
            industry: 'ecology',
            region: 'sx-ecology',
            keystone: 'https://keystone.ecology.cloud.gov.sn.cn:5000/v3',
            extranet: { physical_network: 'extranet', network_type: 'vlan', segmentation_id: 299 },
            tenants: { departments: ['ecology'], quota: { vcpu: 100, ram_gib: 400, storage_tib: 10 } },
          });
        },
        removed,
        without.ledger,
      ),
    );
    expect(grown.addedPools.sort()).toEqual(['cloud/ecology/provider', 'cloud/ecology/tenant/ecology', 'cloud/ecology/tenants']);
    expect(keptExactly(without, grown, () => true)).toBe(Object.keys(without.ledger.pools!).length);
    for (const id of grown.addedPools) {
      const mine = grown.pools.get(id)!;
      for (const fam of ['ipv4', 'ipv6'] as const)
        for (const [other, entry] of Object.entries(without.ledger.pools!))
          expect(overlaps(mine[fam], parsePrefix(entry[fam])), `${id} ${fam} against ${other}`).toBe(false);
    }
  });

  it('adding a tenant moves no other pool: its subnet is new, inside its cloud’s aggregate', () => {
    const grown = planAddresses(
      withClouds((d) => {
        const market = d.clouds.find((c) => c.id === 'market')! as unknown as { tenants: { departments: string[]; quota: Record<string, number> } };
        market.tenants.departments.push('industry-it');
        market.tenants.quota = { vcpu: 300, ram_gib: 1200, storage_tib: 30 }; // four tenants within the cloud's capacity
      }),
    );
    expect(grown.addedPools).toEqual(['cloud/market/tenant/industry-it']);
    expect(keptExactly(base, grown, () => true)).toBe(Object.keys(base.ledger.pools!).length);
    const subnet = grown.pools.get('cloud/market/tenant/industry-it')!;
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const aggregate = parsePrefix(base.ledger.pools!['cloud/market/tenants']![fam]);
      expect(overlaps(aggregate, subnet[fam]) && aggregate.length < subnet[fam].length, fam).toBe(true);
      for (const [id, entry] of Object.entries(base.ledger.pools!))
        if (id !== 'cloud/market/tenants') expect(overlaps(subnet[fam], parsePrefix(entry[fam])), `${fam} against ${id}`).toBe(false);
    }
  });

  it('adding or removing sites moves no pool, in either family', () => {
    const divisions = structuredClone(inv.divisions);
    divisions.cities[0]!.counties[0]!.townships += 1;
    divisions.cities[3]!.counties.pop();
    divisions.cities[5]!.counties.push({ id: 'newcounty', name: '新区', townships: 3 });
    const moved = planAddresses({ ...inv, ledger: base.ledger, divisions });
    expect(moved.added.length).toBeGreaterThan(0);
    expect(moved.orphaned.length).toBeGreaterThan(0);
    expect(moved.addedPools).toEqual([]);
    expect(keptExactly(base, moved, () => true)).toBe(Object.keys(base.ledger.pools!).length);
    // and no new site block lands on a pool
    for (const id of moved.added)
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const block = parsePrefix(moved.ledger.allocations[id]![fam]);
        for (const [pool, entry] of Object.entries(moved.ledger.pools!))
          expect(overlaps(block, parsePrefix(entry[fam])), `${id} ${fam} against ${pool}`).toBe(false);
      }
  });
});
