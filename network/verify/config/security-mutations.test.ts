/**
 * OSPF authentication and BFD as the config verifier sees them (issue 11 parts 2 and 3), in both
 * dialects on the lab's default scope: a wrong key reference on one end breaks exactly that link's
 * adjacency in the family whose key differs; every step of a key roll taken by all routers keeps
 * every adjacency; a router one step ahead of its neighbours keeps them in VRP and in FRR's OSPFv3,
 * not in FRR 8.4's OSPFv2 (ospfd accepts only the key it sends with); BFD on one end only is reported.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { DIALECTS, type DialectId } from '../../render/index.js';
import { advance, FIRST_KEY } from '../../ospf-keyring.js';
import type { RenderOptions } from '../../render/common.js';
import { verifyConfigs, type RenderedConfigFile } from './index.js';

let topology: Topology;
let full: Topology;
let township: string;
let area: string;

beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope('cities=xian;counties=1;townships=1;datacenters=none', defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
  const t = topology.devices.find((d) => topology.sites.find((s) => s.id === d.site)?.level === 'township')!;
  township = t.id;
  area = t.area;
});

function rendered(dialect: DialectId, opts: (device: string) => RenderOptions = () => ({})): RenderedConfigFile[] {
  const d = DIALECTS[dialect];
  return topology.devices.map((device) => ({
    device: device.id,
    dialect,
    path: `${dialect}/${device.id}.${d.fileExtension}`,
    text: d.render(full, device.id, opts(device.id)),
  }));
}

function findings(files: RenderedConfigFile[]) {
  return verifyConfigs(topology, files, { failures: false }).findings;
}
const ids = (files: RenderedConfigFile[]) => [...new Set(findings(files).map((f) => `${f.id}${f.family ? ` ${f.family}` : ''}`))].sort();

describe.each(['frr', 'vrp'] as const)('%s', (dialect) => {
  it('as rendered: every adjacency authenticates and runs BFD on both ends, no finding about either', () => {
    const all = ids(rendered(dialect));
    expect(all.filter((x) => /auth|bfd|parse\.|ref\./.test(x))).toEqual([]);
  });

  it('a wrong OSPFv2 key reference on the township → no IPv4 adjacency on its uplinks, IPv6 unaffected', () => {
    const files = rendered(dialect).map((f) =>
      f.device === township ? { ...f, text: f.text.replaceAll(`{{secret:ospf/area-${area}/key-1}}`, `{{secret:ospf/area-${area}/wrong-1}}`) } : f,
    );
    const auth = findings(files).filter((f) => f.id === 'ospf.auth-mismatch');
    expect(auth.length).toBeGreaterThan(0);
    expect(new Set(auth.map((f) => f.family))).toEqual(new Set(['ipv4']));
    expect(auth.every((f) => f.message.includes('ospf/area-') && f.message.includes('wrong-1'))).toBe(true);
    const links = topology.links.filter((l) => l.a.device === township || l.b.device === township).map((l) => `link:${l.id}`);
    expect(auth.map((f) => f.object).sort()).toEqual(links.sort());
  });

  it('a wrong key on the township in both families → no adjacency in either', () => {
    const files = rendered(dialect).map((f) =>
      f.device === township ? { ...f, text: f.text.replace(/\{\{secret:ospf\/area-([^/]+)\/(v3-)?key-1\}\}/g, '{{secret:ospf/area-$1/$2wrong-1}}') } : f,
    );
    expect(ids(files)).toEqual(expect.arrayContaining(['ospf.auth-mismatch ipv4', 'ospf.auth-mismatch ipv6']));
  });

  it('every step of a roll, taken by every router: no authentication finding (two OSPFv3 keys, one or two OSPFv2 keys by dialect)', () => {
    for (let k = advance(FIRST_KEY), i = 0; i < 3; k = advance(k), i++) {
      const files = rendered(dialect, () => ({ ospfKeys: { [area]: k } }));
      expect(ids(files).filter((x) => /auth|parse\.|ref\./.test(x))).toEqual([]);
    }
  });

  it('a roll with the township one step ahead (it sends the new key, its neighbours are on the accept step)', () => {
    const accept = advance(FIRST_KEY);
    const send = advance(accept);
    const files = rendered(dialect, (d) => ({ ospfKeys: { [area]: d === township ? send : accept } }));
    // VRP and ospf6d accept both keys; ospfd 8.4 accepts only the key it sends with, so OSPFv2 breaks
    // between FRR routers on different steps (why lab/ospf-rotate.ts switches them all at one instant)
    expect(ids(files).filter((x) => x.startsWith('ospf.auth'))).toEqual(dialect === 'frr' ? ['ospf.auth-mismatch ipv4'] : []);
    // …and a router that already dropped the old key while a neighbour still sends it breaks both families
    const dropped = advance(send);
    const broken = rendered(dialect, (d) => ({ ospfKeys: { [area]: d === township ? dropped : accept } }));
    expect(ids(broken)).toEqual(expect.arrayContaining(['ospf.auth-mismatch ipv4', 'ospf.auth-mismatch ipv6']));
  });

  it('BFD removed from one end of an uplink → bfd.one-sided in both families', () => {
    const files = rendered(dialect).map((f) =>
      f.device === township
        ? {
            ...f,
            text: f.text
              .split('\n')
              .filter((l) => !/^ (ip ospf|ipv6 ospf6|ospf|ospfv3) bfd/.test(l))
              .join('\n'),
          }
        : f,
    );
    expect(ids(files)).toEqual(expect.arrayContaining(['bfd.one-sided ipv4', 'bfd.one-sided ipv6']));
  });
});
