import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import type { Topology } from '../../network/types.js';
import { copyInventory, type InventoryCopy } from '../../test/support/inventory.js';
import { allPolicies } from '../all.js';
import { PolicyRegistry } from '../registry.js';
import { registerNetworkPolicies } from './index.js';
import { runPolicies, type PolicyReport } from '../run.js';
import type { PolicyInputs } from '../types.js';

let inventory: Inventory;
let topology: Topology;
beforeAll(async () => {
  inventory = await loadInventory();
  topology = buildTopology(inventory);
});

// The network pack alone, so other packs' rules (CLD-xxx) neither help nor break these tests.
const registry = new PolicyRegistry();
registerNetworkPolicies(registry);
const run = (inputs: PolicyInputs, ids?: string[]): PolicyReport =>
  runPolicies(
    registry.all().filter((r) => !ids || ids.includes(r.id)),
    inputs,
  );
const failing = (r: PolicyReport) => r.rules.filter((x) => x.status === 'failed').map((x) => x.id);
const findingsOf = (r: PolicyReport, id: string) => r.rules.find((x) => x.id === id)!.findings;
const mutated = (change: (t: Topology) => void): Topology => {
  const t = structuredClone(topology);
  change(t);
  return t;
};

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});
async function editedInventory(file: string, change: (doc: any) => void): Promise<Inventory> {
  copy = await copyInventory();
  await copy.edit(file, change);
  return loadInventory(copy.dir);
}

describe('network policies on the default inventory', () => {
  it('registers NET-001 … NET-008 (also in the registry stacks policy uses)', () => {
    const ids = ['NET-001', 'NET-002', 'NET-003', 'NET-004', 'NET-005', 'NET-006', 'NET-007', 'NET-008'];
    expect(registry.all().map((r) => r.id)).toEqual(
      expect.arrayContaining([...ids, 'NET-121', 'NET-122', 'NET-141', 'NET-142', 'NET-161', 'NET-162', 'NET-163']),
    );
    // The management plane's rules (issue 11 part 8): policies/network/management-*.ts.
    expect(registry.all().map((r) => r.id)).toEqual(expect.arrayContaining(['NET-101', 'NET-102', 'NET-103', 'NET-104', 'NET-105', 'NET-106']));
    expect(
      allPolicies()
        .all()
        .map((r) => r.id),
    ).toEqual(expect.arrayContaining(ids));
  });

  it('passes every rule (all NET rules are hard)', async () => {
    const inputs = await registry.inputsFor(inventory, registry.all());
    const r = runPolicies(registry.all(), inputs);
    const hard = r.rules.filter((x) => x.severity === 'hard' && x.status === 'failed');
    expect(hard.map((x) => `${x.id}: ${x.findings[0]?.message}`)).toEqual([]);
    expect(r.summary.passedHard).toBe(true);
    expect(r.rules.filter((x) => x.id.startsWith('NET-')).every((x) => x.status === 'passed')).toBe(true);
  });
});

describe('network policies on broken models and inventories', () => {
  it('NET-001: a link and a loopback without IPv6', () => {
    const t = mutated((t) => {
      const l = t.links.find((x) => x.id === 'xian.yanta~up0')!;
      l.a.ipv6 = l.b.ipv6 = '';
      t.devices.find((d) => d.id === 'yulin-r2')!.loopback.ipv6 = '';
    });
    const r = run({ inventory, topology: t });
    expect(failing(r)).toEqual(['NET-001']);
    expect(findingsOf(r, 'NET-001').map((f) => f.resource)).toEqual(['device:yulin-r2', 'link:xian.yanta~up0']);
  });

  it('NET-002: both uplinks of a township on the same county router', () => {
    const t = mutated((t) => {
      t.links.find((x) => x.id === 'xian.yanta.t01~up1')!.a.device = 'xian.yanta-r1';
    });
    const r = run({ inventory, topology: t }, ['NET-002', 'NET-003']);
    expect(failing(r)).toEqual(['NET-002']);
    expect(findingsOf(r, 'NET-002')[0]!.resource).toBe('site:xian.yanta.t01');
    expect(findingsOf(r, 'NET-002')[0]!.message).toContain('two different parent devices');
    // located at the township's county entry in divisions.json (xian is cities[0], yanta its sixth county)
    expect(findingsOf(r, 'NET-002')[0]!.location).toEqual({ file: inventory.paths.divisions, path: 'cities[0].counties[5].townships' });
  });

  it('NET-003 (and NET-002): a county link below its tier, a township with one uplink', () => {
    const t = mutated((t) => {
      t.links.find((x) => x.id === 'xian.yanta~up1')!.bandwidthMbps = 1000;
      t.links = t.links.filter((x) => x.id !== 'yulin.yuyang.t02~up1');
    });
    const r = run({ inventory, topology: t }, ['NET-002', 'NET-003']);
    expect(failing(r)).toEqual(['NET-002', 'NET-003']);
    expect(findingsOf(r, 'NET-003').map((f) => `${f.resource} ${f.message}`)).toEqual([
      'link:xian.yanta~up1 runs at 1000 Mbps; tier city-county says 2000 Mbps',
      'site:yulin.yuyang.t02 has 1 uplinks; tier county-township says 2',
    ]);
  });

  it('NET-004: a tier table below the plan, pointing at province.yaml', async () => {
    const inv = await editedInventory('province.yaml', (doc) => {
      doc.tiers.find((t: { id: string }) => t.id === 'county-township').bandwidth_mbps = 100;
      doc.tiers.find((t: { id: string }) => t.id === 'province-city').links = 1;
    });
    const r = run({ inventory: inv }, ['NET-004', 'NET-005', 'NET-006']);
    expect(failing(r)).toEqual(['NET-004']);
    const f = findingsOf(r, 'NET-004');
    expect(f.map((x) => x.location?.path).sort()).toEqual(['tiers[0].links', 'tiers[2].bandwidth_mbps']);
    expect(f.every((x) => x.location?.file === inv.paths.province)).toBe(true);
    expect(f.map((x) => x.message).join('\n')).toContain('县到乡双200Mbps');
  });

  it('NET-005 and NET-006: hand-set targets that contradict the classification', async () => {
    const inv = await editedInventory('private-networks.yaml', (doc) => {
      doc.private_networks.find((p: { id: string }) => p.id === 'audit-net').target = 'extranet';
      doc.private_networks.find((p: { id: string }) => p.id === 'water-net').target = 'intranet';
      doc.private_networks.find((p: { id: string }) => p.id === 'health-net').target = 'extranet'; // agrees: fine
    });
    const r = run({ inventory: inv }, ['NET-004', 'NET-005', 'NET-006']);
    expect(failing(r)).toEqual(['NET-005', 'NET-006']);
    expect(findingsOf(r, 'NET-005').map((f) => f.resource)).toEqual(['private-network:audit-net']);
    expect(findingsOf(r, 'NET-006').map((f) => f.resource)).toEqual(['private-network:water-net']);
    const idx = inv.privateNetworks.private_networks.findIndex((p) => p.id === 'audit-net');
    expect(findingsOf(r, 'NET-005')[0]!.location).toEqual({ file: inv.paths.private_networks, path: `private_networks[${idx}].target` });
  });

  it('NET-007: a reused LAN, and a supernet overlapping a legacy network', async () => {
    const t = mutated((t) => {
      t.sites.find((s) => s.id === 'xian.beilin.t01')!.lan.ipv6 = t.sites.find((s) => s.id === 'xian.beilin.t02')!.lan.ipv6;
    });
    const r1 = run({ inventory, topology: t }, ['NET-007']);
    expect(failing(r1)).toEqual(['NET-007']);
    expect(findingsOf(r1, 'NET-007')[0]!.message).toMatch(/site:xian\.beilin\.t0[12] LAN .* overlaps site:xian\.beilin\.t0[12] LAN/);

    const inv = await editedInventory('legacy.yaml', (doc) => {
      doc.networks.guowang.supernet_ipv4 = '10.32.0.0/11';
    });
    const r2 = run({ inventory: inv, topology }, ['NET-007']);
    expect(findingsOf(r2, 'NET-007').map((f) => f.message)).toEqual([
      'the extranet supernet 10.0.0.0/10 overlaps legacy network guowang (10.32.0.0/11), which stays in use during the merge',
    ]);
  });

  it('NET-008: a default route and an internet interface away from the unified exit, a standby preferred over the primary', () => {
    const t = mutated((t) => {
      const city = t.devices.find((d) => d.id === 'xian-r1')!;
      city.originatesDefault = true;
      city.interfaces.push({
        name: 'inet9',
        kind: 'internet',
        ipv4: '203.0.113.1/31',
        ipv6: '2001:db8:ffff::1/127',
        bandwidthMbps: 1000,
        description: 'local breakout',
        passive: true,
      });
      t.devices.find((d) => d.id === t.exit.standby)!.defaultMetric = 1;
    });
    const r = run({ inventory, topology: t }, ['NET-008']);
    expect(findingsOf(r, 'NET-008').map((f) => f.resource)).toEqual(['device:shaanxi-exit2', 'device:xian-r1', 'interface:xian-r1/inet9']);
    expect(findingsOf(r, 'NET-008').map((f) => f.location?.path)).toEqual(['province', 'cities[0]', 'cities[0]']);
  });
});
