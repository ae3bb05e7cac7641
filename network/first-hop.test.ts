/**
 * First-hop redundancy and QoS from inventory to configs and back: the LAN on both routers of a
 * dual-router site with stable addresses, VRRPv3 rendered in both dialects and read back by their
 * parsers, the config verifier's gateway answers (who serves the LAN in each failure) and its
 * findings on broken groups, the QoS policy per tier in VRP, and NET-141/NET-142.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { qosSchema } from '../inventory/schema.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../lab/scope.js';
import { vrrpOnDualRouterLans } from '../policies/network/vrrp-lans.js';
import { qosOnEveryUplink } from '../policies/network/qos-uplinks.js';
import { DIALECTS, type DialectId } from './render/index.js';
import { parseFrr } from './render/frr-parse.js';
import { parseVrp } from './render/vrp-parse.js';
import { buildTopology } from './topology.js';
import type { Topology } from './types.js';
import { gatewaysOf, verifyConfigs, type RenderedConfigFile } from './verify/config/index.js';

let inv: Inventory;
let full: Topology;
let scoped: Topology;

beforeAll(async () => {
  inv = await loadInventory();
  full = buildTopology(inv);
  const s = selectScope(full, parseScope(undefined, defaultScopeDefaults(full, [])));
  scoped = { ...full, sites: s.sites, devices: s.devices, links: s.links };
});

const device = (t: Topology, id: string) => t.devices.find((d) => d.id === id)!;
const lan = (t: Topology, id: string) => device(t, id).interfaces.find((i) => i.kind === 'lan')!;

function rendered(dialect: DialectId, opts = {}): RenderedConfigFile[] {
  const d = DIALECTS[dialect];
  return scoped.devices.map((x) => ({ device: x.id, dialect, path: `${dialect}/${x.id}.${d.fileExtension}`, text: d.render(full, x.id, opts) }));
}

describe('the LAN of a dual-router site', () => {
  it('is served by both routers: the hosts keep the first address as the virtual gateway, r1 and r2 take the next two', () => {
    const site = full.sites.find((s) => s.id === 'xian')!;
    expect(site.lan.ipv4).toBe('10.14.0.0/25');
    expect(site.gateway).toEqual({ ipv4: '10.14.0.1', ipv6: '2001:db8:700::1' });
    expect(lan(full, 'xian-r1')).toMatchObject({ ipv4: '10.14.0.2/25', ipv6: '2001:db8:700::2/64' });
    expect(lan(full, 'xian-r2')).toMatchObject({ ipv4: '10.14.0.3/25', ipv6: '2001:db8:700::3/64' });
    expect(lan(full, 'xian-r1').vrrp).toMatchObject({ vrid: 1, priority: 120, virtual: site.gateway, track: ['up0'], trackReduce: 21 });
    expect(lan(full, 'xian-r2').vrrp).toMatchObject({ vrid: 1, priority: 100, virtual: site.gateway, track: ['up1'] });
    // The province cores leave the site through the exits: both links tracked, each worth half the lead.
    expect(lan(full, 'shaanxi-r1').vrrp).toMatchObject({ track: ['x1', 'x2'], trackReduce: 11 });
  });

  it('leaves single-router sites and everything outside the LAN where it was', () => {
    const t = full.devices.find((d) => d.role === 'access')!;
    const site = full.sites.find((s) => s.id === t.site)!;
    expect(lan(full, t.id).ipv4!.split('/')[0]).toBe(site.gateway!.ipv4);
    expect(lan(full, t.id).vrrp).toBeUndefined();
    expect(device(full, 'xian-r1').loopback).toEqual({ ipv4: '10.14.0.193/32', ipv6: '2001:db8:700:1::1/128' });
  });
});

describe('VRRP in both dialects', () => {
  it('renders FRR vrrpd lines on the LAN (the lab timer with fast timers) and reads them back', () => {
    const text = DIALECTS.frr.render(full, 'xian-r1', { fastTimers: true });
    expect(text).toContain(' vrrp 1 version 3\n vrrp 1 priority 120\n vrrp 1 advertisement-interval 100\n vrrp 1 ip 10.14.0.1\n vrrp 1 ipv6 2001:db8:700::1\n');
    expect(DIALECTS.frr.render(full, 'xian-r1')).toContain(' vrrp 1 advertisement-interval 1000\n');
    const parsed = parseFrr(text);
    expect(parsed.findings).toEqual([]);
    expect(parsed.vrrp!.map((g) => [g.interface, g.family, g.version, g.priority, g.advertisementMs, g.virtual])).toEqual([
      ['lan0', 'ipv4', 3, 120, 100, ['10.14.0.1']],
      ['lan0', 'ipv6', 3, 120, 100, ['2001:db8:700::1']],
    ]);
  });

  it('renders VRP vrrp and vrrp6 groups with the link-local virtual address and uplink tracking, and reads them back', () => {
    const text = DIALECTS.vrp.render(full, 'xian-r1');
    expect(text).toMatch(/^vrrp version v3$/m);
    expect(text).toContain(
      ' vrrp vrid 1 virtual-ip 10.14.0.1\n vrrp vrid 1 priority 120\n vrrp vrid 1 timer advertise 1\n vrrp vrid 1 track interface XGigabitEthernet1/0/1 reduced 21\n',
    );
    expect(text).toContain(' vrrp6 vrid 1 virtual-ip FE80::1 link-local\n vrrp6 vrid 1 virtual-ip 2001:DB8:700::1\n');
    const parsed = parseVrp(text);
    expect(parsed.findings).toEqual([]);
    const v6 = parsed.vrrp!.find((g) => g.family === 'ipv6')!;
    expect(v6).toMatchObject({ interface: 'GigabitEthernet0/0/0', version: 3, linkLocal: 'fe80::1', virtual: ['2001:db8:700::1'], priority: 120 });
    expect(v6.track.map((t) => [t.interface, t.reduce])).toEqual([['XGigabitEthernet1/0/1', 21]]);
    expect(parsed.vrrp!.find((g) => g.family === 'ipv4')!.version).toBe(3);
  });

  it('parses every rendered config of the lab scope without a finding, in both dialects', () => {
    for (const dialect of ['frr', 'vrp'] as const) {
      const r = verifyConfigs(scoped, rendered(dialect), { failures: false });
      expect(r.findings.filter((f) => f.id.startsWith('parse.') || f.id.startsWith('vrrp.') || f.id.startsWith('ref.'))).toEqual([]);
    }
  });
});

describe('who serves the gateway', () => {
  it('r1 normally and r2 when r1 is down, both families and dialects; cut off, r1 keeps it on FRR (no tracking) and hands it over on VRP', () => {
    for (const dialect of ['frr', 'vrp'] as const) {
      const gws = gatewaysOf(scoped, rendered(dialect));
      const xian = gws.filter((g) => g.site === 'xian');
      expect(xian.map((g) => g.family)).toEqual(['ipv4', 'ipv6']);
      for (const g of xian) {
        expect(g.master.normal).toBe('xian-r1');
        expect(g.master['xian-r1 down']).toBe('xian-r2');
        expect(g.master['xian-r2 down']).toBe('xian-r1');
        expect(g.master['xian-r1 cut off']).toBe(dialect === 'vrp' ? 'xian-r2' : 'xian-r1');
      }
      // every dual-router site of the scope has an answer in both families
      const duals = new Set(scoped.devices.filter((d) => d.role === 'core').map((d) => d.site));
      expect(new Set(gws.map((g) => g.site))).toEqual(duals);
    }
  });

  it('finds a LAN whose backup runs no VRRP, and two routers that disagree on the virtual address', () => {
    const frr = rendered('frr');
    const noBackup = frr.map((f) => (f.device === 'xian-r2' ? { ...f, text: f.text.replace(/^ vrrp .*\n/gm, '') } : f));
    const ids = (files: RenderedConfigFile[]) =>
      [...new Set(verifyConfigs(scoped, files, { failures: false }).findings.map((f) => `${f.id} ${f.family}`))].sort();
    expect(ids(noBackup)).toEqual(['vrrp.no-backup ipv4', 'vrrp.no-backup ipv6']);
    const wrong = frr.map((f) => (f.device === 'xian-r2' ? { ...f, text: f.text.replace(' vrrp 1 ip 10.14.0.1', ' vrrp 1 ip 10.14.0.9') } : f));
    expect(ids(wrong)).toEqual(['vrrp.mismatch ipv4']);
    const outside = frr.map((f) =>
      f.device === 'xian-r2' || f.device === 'xian-r1' ? { ...f, text: f.text.replace(' vrrp 1 ip 10.14.0.1', ' vrrp 1 ip 10.99.0.1') } : f,
    );
    expect(ids(outside)).toEqual(['vrrp.virtual-outside-lan ipv4']);
    const vrp = rendered('vrp');
    const swapped = vrp.map((f) => (f.device === 'xian-r2' ? { ...f, text: f.text.replace(/vrid 1 priority 100/g, 'vrid 1 priority 200') } : f));
    expect(ids(swapped)).toEqual(['vrrp.preferred ipv4', 'vrrp.preferred ipv6']);
  });
});

describe('QoS per tier', () => {
  it('renders the tier policy on both ends of every circuit, shaped at the tier rate, and reads it back', () => {
    const t = full.devices.find((d) => d.role === 'access' && d.site.split('.').length === 3)!;
    const text = DIALECTS.vrp.render(full, t.id);
    expect(text).toContain('traffic classifier QOS-REALTIME-VIDEO operator or\n if-match dscp ef cs5 af41 cs4\n');
    expect(text).toContain('traffic behavior QOS-COUNTY-TOWNSHIP-REALTIME-VIDEO\n queue ef bandwidth pct 35\n');
    expect(text).toContain(' classifier default-class behavior QOS-COUNTY-TOWNSHIP-BULK\n');
    const parsed = parseVrp(text);
    expect(parsed.findings).toEqual([]);
    expect(parsed.qos!.applied.map((a) => [a.policy, a.direction])).toEqual([
      ['QOS-COUNTY-TOWNSHIP', 'outbound'],
      ['QOS-COUNTY-TOWNSHIP', 'outbound'],
    ]);
    expect(parsed.qos!.shaping.map((s) => s.kbps)).toEqual([200_000, 200_000]);
    expect(parsed.qos!.classifiers.get('QOS-REALTIME-VIDEO')!.dscp).toEqual([46, 40, 34, 32]);
    // the parent end of the same circuits carries the same policy
    const county = DIALECTS.vrp.render(full, full.links.find((l) => l.b.device === t.id)!.a.device);
    expect(county).toContain('traffic-policy QOS-COUNTY-TOWNSHIP outbound');
    expect(parseVrp(county).findings).toEqual([]);
  });

  it('reports a policy applied but never defined', () => {
    const p = parseVrp('#\nsysname x\n#\ninterface GigabitEthernet0/0/1\n traffic-policy NOPE outbound\n#\nreturn\n');
    expect(p.findings.map((f) => f.id)).toEqual(['ref.undefined-qos']);
  });

  it('refuses a class table whose shares do not add up, a DSCP in two classes, or a tier override naming no class', () => {
    const base = inv.qos!;
    const bad = qosSchema.safeParse({
      classes: [...base.classes.slice(0, 3), { ...base.classes[3]!, share_percent: 10, dscp: [10, 46] }],
      tiers: { 'county-township': { bulk: 100, nope: 0 } },
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'classes.3.dscp: DSCP 46 is already in class "realtime-video"',
        "classes: the classes' share_percent add up to 85, not 100",
        'tiers.county-township.nope: no class "nope" in classes',
      ]),
    );
  });
});

describe('NET-141 and NET-142', () => {
  it('pass on the province and name the site or link that breaks them', () => {
    expect(vrrpOnDualRouterLans.check({ topology: full })).toEqual([]);
    expect(qosOnEveryUplink.check({ topology: full })).toEqual([]);
    const broken = structuredClone(full);
    delete broken.devices.find((d) => d.id === 'xian-r2')!.interfaces.find((i) => i.kind === 'lan')!.vrrp;
    const t = broken.devices.find((d) => d.role === 'access')!;
    delete t.interfaces.find((i) => i.name === 'up0')!.qos;
    expect(vrrpOnDualRouterLans.check({ topology: broken })).toEqual([{ resource: 'site:xian', message: 'xian-r2 serves the LAN without VRRP' }]);
    expect(qosOnEveryUplink.check({ topology: broken })).toEqual([
      { resource: expect.stringMatching(/^link:.*~up0$/), message: `${t.id} up0 applies no QoS policy` },
    ]);
  });
});
