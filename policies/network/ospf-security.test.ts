import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { ospfAuthenticationEverywhere } from './ospf-authentication.js';
import { bfdOnEveryAdjacency } from './bfd.js';

let full: Topology;

beforeAll(async () => {
  full = buildTopology(await loadInventory());
});

const adjacencyLinks = (t: Topology) => t.links.length;

describe('NET-121 / NET-122 over the rendered feature lines of every adjacency', () => {
  it('the default province passes both, in both dialects', () => {
    expect(ospfAuthenticationEverywhere.check({ topology: full })).toEqual([]);
    expect(bfdOnEveryAdjacency.check({ topology: full })).toEqual([]);
  });

  it('without the OSPF security data every adjacency end fails both rules, in both dialects and families', () => {
    const bare = { ...full, ospfSecurity: undefined };
    const auth = ospfAuthenticationEverywhere.check({ topology: bare });
    // every link of the default province joins two routers: 2 dialects × 2 ends × 2 families
    expect(auth).toHaveLength(adjacencyLinks(full) * 8);
    expect(auth.some((v) => v.message.startsWith('frr ') && v.message.endsWith('no OSPFv2 MD5 authentication'))).toBe(true);
    expect(auth.some((v) => v.message.startsWith('vrp ') && v.message.endsWith('no OSPFv3 keychain authentication'))).toBe(true);
    expect(bfdOnEveryAdjacency.check({ topology: bare })).toHaveLength(adjacencyLinks(full) * 4);
  });

  it('a tier without BFD timers: exactly its links fail NET-122', () => {
    const bfdByTier = { ...full.ospfSecurity!.bfdByTier };
    delete bfdByTier['county-township'];
    const t = { ...full, ospfSecurity: { ...full.ospfSecurity!, bfdByTier } };
    const v = bfdOnEveryAdjacency.check({ topology: t });
    const links = new Set(full.links.filter((l) => l.tier === 'county-township').map((l) => `link:${l.id}`));
    expect(new Set(v.map((x) => x.resource))).toEqual(links);
  });
});
