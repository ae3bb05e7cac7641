import { afterEach, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { buildCloudModel } from '../../stacks/cloud/model.js';
import { copyInventory, type InventoryCopy } from '../../test/support/inventory.js';
import { noPoolOverlap } from './pool-overlap.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

async function findings(dir: string) {
  const inventory = await loadInventory(dir);
  const topology = buildTopology(inventory);
  const cloud = buildCloudModel(inventory, topology, { allowUnplaced: true })!;
  return noPoolOverlap.check({ cloud, topology, inventory }).map((v) => `${v.resource}: ${v.message}`);
}

describe('CLD-007 no cloud pool overlaps anything', () => {
  it('passes on the default province, whose pools come from the IPAM', async () => {
    copy = await copyInventory();
    expect(await findings(copy.dir)).toEqual([]);
  });

  it('fails the holdout case: a province whose supernet is 172.16.0.0/12 with the tenant pools carved from it', async () => {
    copy = await copyInventory();
    await copy.edit('ipam-ledger.json', (d) => {
      d.allocations = {};
      delete d.pools;
    });
    await copy.edit('province.yaml', (d) => {
      d.ipam.ipv4 = { supernet: '172.16.0.0/12', block: { province: 12, city: 16, county: 20, township: 24, department: 24, datacenter: 22 }, infra: 24 };
    });
    // /20 counties hold 15 townships, /16 cities 15 counties
    await copy.edit('divisions.json', (d) => {
      for (const c of d.cities) for (const k of c.counties) k.townships = Math.min(k.townships, 14);
    });
    // that province's legacy extranet lies elsewhere (its sites were renumbered into the supernet)
    await copy.edit('legacy.yaml', (d) => (d.networks.shengwang.supernet_ipv4 = '198.18.0.0/15'));
    await copy.edit('clouds.yaml', (d) => (d.defaults.tenant_pools = { ipv4: '172.16.0.0/12', ipv6: 'fd53:7800::/32' }));
    const found = await findings(copy.dir);
    expect(found.length).toBeGreaterThan(10);
    // both objects named: the tenant subnet and the site whose block it also is
    expect(
      found.some((f) => /^cloud:provincial: cloud:provincial tenant \S+ subnet 172\.16\.\d+\.0\/24 overlaps site:\S+ (block|LAN) 172\.16\./.test(f)),
      found.slice(0, 5).join('\n'),
    ).toBe(true);
    expect(found.some((f) => /overlaps site:dept\./.test(f))).toBe(true);
  });

  it('fails tenant pools inside the legacy provincial extranet (省网), as the old fixed 172.16.0.0/12 range was', async () => {
    copy = await copyInventory();
    await copy.edit('ipam-ledger.json', (d) => delete d.pools);
    await copy.edit('clouds.yaml', (d) => (d.defaults.tenant_pools = { ipv4: '172.16.0.0/12', ipv6: 'fd53:7800::/32' }));
    const found = await findings(copy.dir);
    expect(found).toContain('cloud:provincial: cloud:provincial tenant pool 172.16.0.0/18 overlaps legacy:shengwang (陕西省电子政务外网) 172.16.0.0/12');
    expect(found.filter((f) => f.includes('overlaps site:'))).toEqual([]);
  });

  it('fails one cloud against another: an estate range for the tenants that holds the provider networks the IPAM gave out', async () => {
    copy = await copyInventory();
    // the provider networks keep their ledger entries; the tenant pools come from the estate's own range
    await copy.edit('ipam-ledger.json', (d) => {
      for (const id of Object.keys(d.pools)) if (/\/tenants?(\/|$)/.test(id)) delete d.pools[id];
    });
    await copy.edit('clouds.yaml', (d) => (d.defaults.tenant_pools = { ipv4: '10.0.0.0/13', ipv6: '2001:db8::/40' }));
    const found = await findings(copy.dir);
    // provincial's tenant aggregate is the range's first /18, which holds the provider networks of 15 clouds
    expect(found).toContain('cloud:xian: cloud:xian provider network 10.0.50.0/24 overlaps cloud:provincial tenant pool 10.0.0.0/18');
    const clouds = found.filter((f) => / provider network 10\.0\.\d+\.0\/24 overlaps cloud:provincial tenant pool 10\.0\.0\.0\/18$/.test(f));
    expect(clouds.map((f) => f.split(':')[1]).sort()).toEqual(
      Object.entries((await loadInventory(copy.dir)).ledger.pools!)
        .filter(([id, p]) => id.endsWith('/provider') && p.ipv4.startsWith('10.0.') && Number(p.ipv4.split('.')[2]) < 64)
        .map(([id]) => id.split('/')[1]!)
        .sort(),
    );
    expect(clouds.length).toBeGreaterThan(10);
  });

  it('fails a DR replication pool inside the national extranet (国网)', async () => {
    copy = await copyInventory();
    await copy.edit('clouds.yaml', (d) => (d.dr.replication_pool = { ipv4: '100.96.0.0/16', ipv6: 'fd53:7900::/40' }));
    expect(await findings(copy.dir)).toEqual([
      'dr:replication-pool: DR replication pool 100.96.0.0/16 overlaps legacy:guowang (国家电子政务外网陕西节点) 100.64.0.0/10',
    ]);
  });
});
