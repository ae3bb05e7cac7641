/**
 * Mutation tests (issue 10 part 7): each mutates rendered configs (or the renderer's options) the
 * way a renderer bug or a hand edit would, in both dialects, and verification must fail with the
 * finding that names it. A mutation that passes is a bug in the verifier. They run on the lab's
 * default scope of the province (the whole province is the bench's), every device rendered.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { DIALECTS, type DialectId } from '../../render/index.js';
import { loadConfigs, verifyConfigs, type RenderedConfigFile } from './index.js';
import { buildFamilyNet } from './adjacency.js';

let topology: Topology;
/** The renderers see the whole province (a scoped device still has its out-of-scope links). */
let full: Topology;
let township: string;
let other: string;

beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope(undefined, defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
  township = topology.devices.find((d) => topology.sites.find((s) => s.id === d.site)?.level === 'township')!.id;
  other = topology.devices.find((d) => d.role === 'core' && d.site !== topology.province.id)!.id;
});

function rendered(dialect: DialectId): RenderedConfigFile[] {
  const d = DIALECTS[dialect];
  return topology.devices.map((device) => ({
    device: device.id,
    dialect,
    path: `${dialect}/${device.id}.${d.fileExtension}`,
    text: d.render(full, device.id),
  }));
}

/** Edit the lines of one interface stanza of one device. */
function editStanza(files: RenderedConfigFile[], device: string, port: string, edit: (lines: string[]) => string[]): RenderedConfigFile[] {
  return files.map((f) => {
    if (f.device !== device) return f;
    const lines = f.text.split('\n');
    const start = lines.indexOf(`interface ${port}`);
    expect(start).toBeGreaterThanOrEqual(0);
    let end = start + 1;
    while (end < lines.length && lines[end]!.startsWith(' ')) end++;
    return { ...f, text: [...lines.slice(0, start + 1), ...edit(lines.slice(start + 1, end)), ...lines.slice(end)].join('\n') };
  });
}

function editDevice(files: RenderedConfigFile[], device: string, edit: (text: string) => string): RenderedConfigFile[] {
  return files.map((f) => (f.device === device ? { ...f, text: edit(f.text) } : f));
}

function findingIds(files: RenderedConfigFile[], upstreamFailures = false): string[] {
  const r = verifyConfigs(topology, files, upstreamFailures ? { scenarioFilter: (n) => n.startsWith('upstream:') } : { failures: false });
  return [...new Set(r.findings.map((f) => `${f.id}${f.family ? ` ${f.family}` : ''}`))].sort();
}

const port = (dialect: DialectId, device: string, model: string) => DIALECTS[dialect].interfaceName(topology.devices.find((d) => d.id === device)!, model);
const uplinkLink = () => topology.devices.find((d) => d.id === township)!.interfaces.find((i) => i.name === 'up0')!;

describe('the unmutated scope', () => {
  for (const dialect of ['frr', 'vrp'] as const) {
    it(`${dialect}: verifies clean, single failures included`, () => {
      const r = verifyConfigs(topology, rendered(dialect));
      expect(r.findings).toEqual([]);
      expect(r.report.summary.passed).toBe(true);
      expect(r.scenarios.ipv4).toBeGreaterThan(topology.links.length);
    });
  }
});

describe('FRR mutations', () => {
  const base = () => rendered('frr');
  it('uplink in a wrong area → ospf.area-mismatch', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => l.map((x) => x.replace(/^ ip ospf area .*/, ' ip ospf area 0.0.0.99'))))).toContain(
      'ospf.area-mismatch ipv4',
    );
  });
  it('missing OSPFv2 on the uplink → ospf.half-adjacency', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => l.filter((x) => !x.startsWith(' ip ospf area'))))).toContain('ospf.half-adjacency ipv4');
  });
  it('missing ospf6 on the uplink → ospf.half-adjacency [IPv6]', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => l.filter((x) => !x.startsWith(' ipv6 ospf6 area'))))).toContain('ospf.half-adjacency ipv6');
  });
  it('passive uplink → ospf.passive-link', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => [...l, ' ip ospf passive']))).toContain('ospf.passive-link ipv4');
  });
  it('wrong prefix length → l3.subnet-mismatch', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => l.map((x) => x.replace(/^( ip address \S+)\/31$/, '$1/30'))))).toContain(
      'l3.subnet-mismatch ipv4',
    );
  });
  it('duplicate router-id → ospf.duplicate-router-id', () => {
    const rid = topology.devices.find((d) => d.id === other)!.routerId;
    expect(findingIds(editDevice(base(), township, (t) => t.replace(/ ospf router-id \S+/, ` ospf router-id ${rid}`)))).toContain(
      'ospf.duplicate-router-id ipv4',
    );
  });
  it('MTU mismatch → ospf.mtu-mismatch', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => [' mtu 1400', ...l]))).toContain('ospf.mtu-mismatch ipv4');
  });
  it('fast timers on one device only (renderer option) → ospf.timer-mismatch', () => {
    const files = base().map((f) => (f.device === township ? { ...f, text: DIALECTS.frr.render(full, township, { fastTimers: true }) } : f));
    expect(findingIds(files)).toContain('ospf.timer-mismatch ipv4');
  });
  it('a line the parser does not know → parse.unknown-line', () => {
    expect(findingIds(editStanza(base(), township, 'up0', (l) => [...l, ' ip ospf prefix-suppression']))).toContain('parse.unknown-line');
  });
  it('a config for a device the topology lacks → config.unknown-device', () => {
    expect(findingIds([...base(), { device: 'nowhere-r1', dialect: 'frr', path: 'frr/nowhere-r1.conf', text: 'hostname nowhere-r1\n' }])).toContain(
      'config.unknown-device',
    );
  });
  it('unconditional default at both exits → failure.upstream and forwarding.loop', () => {
    const ids = findingIds(
      base().map((f) => ({ ...f, text: f.text.replace(/ default-information originate metric/g, ' default-information originate always metric') })),
      true,
    );
    expect(ids).toEqual(expect.arrayContaining(['failure.upstream ipv4', 'failure.upstream ipv6', 'forwarding.loop ipv4', 'forwarding.loop ipv6']));
  });
});

describe('VRP mutations', () => {
  const base = () => rendered('vrp');
  const up0 = () => port('vrp', township, 'up0');
  const uplinkNetwork = () => uplinkLink().ipv4!.replace(/\.(\d+)\/31$/, (_m, last: string) => `.${Number(last) & ~1}`);
  it('a used port shut → l3.interface-shutdown in both families, no adjacency over it', () => {
    const ids = findingIds(editStanza(base(), township, up0(), (l) => l.map((x) => (x === ' undo shutdown' ? ' shutdown' : x))));
    expect(ids).toEqual(expect.arrayContaining(['l3.interface-shutdown ipv4', 'l3.interface-shutdown ipv6']));
  });
  it('the unused ports, shut, are parsed shut and carry no address, OSPF or adjacency', () => {
    const device = topology.devices.find((d) => d.id === township)!;
    const unused = new Set(device.hardware!.unusedPorts);
    expect(unused.size).toBeGreaterThan(0);
    const { configs } = loadConfigs(topology, base());
    const parsed = configs.find((c) => c.device.id === township)!.parsed.interfaces.filter((i) => unused.has(i.name));
    expect(parsed.map((i) => i.name).sort()).toEqual([...unused].sort());
    for (const i of parsed) {
      expect(i.shutdown).toBe(true);
      expect(i.adminStated).toEqual({ shutdown: true, line: expect.any(Number) });
      expect(i.ipv4).toBeUndefined();
      expect(i.ospf).toEqual({});
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const net = buildFamilyNet(topology, configs, family);
      const node = net.nodeOf.get(township)!;
      const shut = net.ifacesOf[node]!.filter((k) => unused.has(net.ifaces[k]!.name));
      expect(shut).toHaveLength(unused.size);
      expect(shut.every((k) => !net.ifaces[k]!.up && net.ifaces[k]!.link === undefined && net.ifaces[k]!.ospf === undefined)).toBe(true);
      expect(net.edges.some((e) => shut.includes(e.fromIface) || shut.includes(e.toIface))).toBe(false);
    }
  });
  it('OSPFv3 uplink in a wrong area → ospf.area-mismatch [IPv6]', () => {
    expect(findingIds(editStanza(base(), township, up0(), (l) => l.map((x) => x.replace(/^ ospfv3 1 area .*/, ' ospfv3 1 area 0.0.0.99'))))).toContain(
      'ospf.area-mismatch ipv6',
    );
  });
  it('mask instead of wildcard in a network statement → vrp.network-mask', () => {
    const net = uplinkNetwork();
    expect(findingIds(editDevice(base(), township, (t) => t.replace(`network ${net} 0.0.0.1`, `network ${net} 255.255.255.254`)))).toContain(
      'vrp.network-mask',
    );
  });
  it('missing network statement → ospf.half-adjacency', () => {
    const net = uplinkNetwork();
    expect(findingIds(editDevice(base(), township, (t) => t.replace(`  network ${net} 0.0.0.1\n`, '')))).toContain('ospf.half-adjacency ipv4');
  });
  it('silent uplink → ospf.passive-link', () => {
    expect(
      findingIds(
        editDevice(base(), township, (t) => t.replace(/^( bandwidth-reference \d+)$(?![\s\S]*^ bandwidth-reference)/m, ` silent-interface ${up0()}\n$1`)),
      ),
    ).toContain('ospf.passive-link ipv4');
  });
  it('wrong mask on the uplink → l3.subnet-mismatch', () => {
    expect(findingIds(editStanza(base(), township, up0(), (l) => l.map((x) => x.replace(/255\.255\.255\.254$/, '255.255.255.252'))))).toContain(
      'l3.subnet-mismatch ipv4',
    );
  });
  it('missing ipv6 enable → l3.ipv6-disabled', () => {
    expect(findingIds(editStanza(base(), township, up0(), (l) => l.filter((x) => x !== ' ipv6 enable')))).toContain('l3.ipv6-disabled');
  });
  it('duplicate router-id → ospf.duplicate-router-id', () => {
    const rid = topology.devices.find((d) => d.id === other)!.routerId;
    expect(findingIds(editDevice(base(), township, (t) => t.replace(/^ospf 1 router-id \S+/m, `ospf 1 router-id ${rid}`)))).toContain(
      'ospf.duplicate-router-id ipv4',
    );
  });
  it('unconditional default at both exits → failure.upstream and forwarding.loop', () => {
    const ids = findingIds(
      base().map((f) => ({ ...f, text: f.text.replace(/ default-route-advertise cost/g, ' default-route-advertise always cost') })),
      true,
    );
    expect(ids).toEqual(expect.arrayContaining(['failure.upstream ipv4', 'failure.upstream ipv6', 'forwarding.loop ipv4', 'forwarding.loop ipv6']));
  });
});
