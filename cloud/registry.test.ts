/**
 * A tenant router's gateway on the provider network follows its subnet's place in the tenant
 * aggregate (a ledger entry): removing or adding a tenant moves no other tenant's gateway, so the
 * backbone's routes to the others (`tenant_routes`) stay as they were.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from './load.js';
import { buildRegistry } from './registry.js';
import type { CloudRegistry } from './types.js';

type Doc = { clouds: Array<{ id: string; tenants: { departments: string[] | '*'; quota: Record<string, number> } }> };

let inv: Inventory;
let base: CloudRegistry;
beforeAll(async () => {
  inv = await loadInventory();
  base = buildRegistry(inv, buildTopology(inv), loadClouds(inv)!);
});

function registryWith(edit: (doc: Doc) => void): CloudRegistry {
  const doc = structuredClone(inv.extra.clouds) as Doc;
  edit(doc);
  const changed: Inventory = { ...inv, extra: { ...inv.extra, clouds: doc } };
  return buildRegistry(changed, buildTopology(changed), loadClouds(changed)!);
}

const gateways = (r: CloudRegistry, cloud: string) => new Map(r.clouds.find((c) => c.id === cloud)!.tenants.map((t) => [t.department, t.routerGateway]));

describe('tenant router gateways', () => {
  it('are distinct per cloud and family, and each tenant keeps its own when another goes or comes', () => {
    for (const c of base.clouds)
      for (const fam of ['ipv4', 'ipv6'] as const) expect(new Set(c.tenants.map((t) => t.routerGateway[fam])).size, `${c.id} ${fam}`).toBe(c.tenants.length);
    const before = gateways(base, 'market');
    expect([...before.keys()]).toEqual(['market-regulation', 'commerce', 'tax']);
    const without = registryWith((d) => {
      const market = d.clouds.find((c) => c.id === 'market')!;
      market.tenants.departments = ['market-regulation', 'tax'];
    });
    expect(gateways(without, 'market')).toEqual(new Map([...before].filter(([d]) => d !== 'commerce')));
    // the other clouds do not notice
    for (const c of base.clouds) if (c.id !== 'market') expect(gateways(without, c.id), c.id).toEqual(gateways(base, c.id));
    const grown = registryWith((d) => {
      const market = d.clouds.find((c) => c.id === 'market')!;
      (market.tenants.departments as string[]).push('industry-it');
      market.tenants.quota = { vcpu: 300, ram_gib: 1200, storage_tib: 30 };
    });
    const after = gateways(grown, 'market');
    for (const [d, gw] of before) expect(after.get(d), d).toEqual(gw);
    const added = after.get('industry-it')!;
    for (const fam of ['ipv4', 'ipv6'] as const) expect([...before.values()].map((g) => g[fam])).not.toContain(added[fam]);
  });
});
