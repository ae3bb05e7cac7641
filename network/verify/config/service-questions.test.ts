/**
 * The published-services questions of the config verifier on the default province (issue 15 part 4):
 * rendered configs → computed routing tables → every township reaches its VIPs, and a renderer
 * mutation (a hosting router no longer advertising its provider network, a township uplink made
 * passive) is caught, intact and under a single failure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import type { Family, Topology } from '../../types.js';
import { buildFamilyNet } from './adjacency.js';
import { loadConfigs, renderedConfigs, verifyConfigs, type RenderedConfigFile } from './index.js';
import { answerServices } from './service-questions.js';

let topology: Topology;
let frr: RenderedConfigFile[];

beforeAll(async () => {
  topology = buildTopology(await loadInventory());
  frr = renderedConfigs(topology, 'frr');
});

function services(files: RenderedConfigFile[], family: Family, scenarioFilter?: (name: string) => boolean) {
  const net = buildFamilyNet(topology, loadConfigs(topology, files).configs, family);
  return answerServices(topology, net, scenarioFilter ? { scenarioFilter } : { failures: false });
}

/** Drop the lines matching `drop` from one interface stanza of one device. */
function editStanza(files: RenderedConfigFile[], device: string, port: string, drop: RegExp, add: string[] = []): RenderedConfigFile[] {
  return files.map((f) => {
    if (f.device !== device) return f;
    const lines = f.text.split('\n');
    const start = lines.indexOf(`interface ${port}`);
    expect(start).toBeGreaterThanOrEqual(0);
    let end = start + 1;
    while (end < lines.length && lines[end]!.startsWith(' ')) end++;
    const body = lines.slice(start + 1, end).filter((l) => !drop.test(l));
    return { ...f, text: [...lines.slice(0, start + 1), ...body, ...add, ...lines.slice(end)].join('\n') };
  });
}

describe('townships reach the published service VIPs (config level, default province)', () => {
  it('the verifier reports reach.services passed in both families (FRR), and VRP configs pass it too', () => {
    const r = verifyConfigs(topology, frr, { failures: false });
    const checks = r.report.checks.filter((c) => c.id === 'config.reach.services');
    expect(checks.map((c) => `${c.family} ${c.passed}`)).toEqual(['ipv4 true', 'ipv6 true']);
    const vrp = renderedConfigs(topology, 'vrp');
    for (const family of ['ipv4', 'ipv6'] as const) expect(services(vrp, family).findings).toEqual([]);
  });

  it('mutation — xian-r1 stops advertising its provider network: every Xi’an township loses the city portal, nobody else anything', () => {
    const files = editStanza(frr, 'xian-r1', 'cl0p', /^ (ip ospf area|ipv6 ospf6 area)/);
    const xianTownships = topology.sites.filter((s) => s.level === 'township' && s.id.startsWith('xian.')).length;
    expect(xianTownships).toBeGreaterThan(0);
    for (const family of ['ipv4', 'ipv6'] as const) {
      const found = services(files, family).findings;
      expect(found.every((f) => f.id === 'reach.services' && f.family === family)).toBe(true);
      expect(new Set(found.map((f) => f.object)).size).toBe(xianTownships);
      expect(found.every((f) => f.message.includes('xian/portal'))).toBe(true);
      expect(found[0]!.message).toMatch(
        family === 'ipv4' ? /10\.0\.50\.128 \(xian-r1\): .*(has no route|discards|forwarding loop|to no known device)/ : /2001:db8:0:2901:8000:: \(xian-r1\)/,
      );
    }
  });

  it('single failures: a dual-homed township keeps its VIPs when it loses an uplink, and loses them when its other uplink is passive', () => {
    const township = topology.devices.find(
      (d) => topology.sites.find((s) => s.id === d.site)?.level === 'township' && d.interfaces.filter((i) => i.link).length >= 2,
    )!;
    const [first, second] = township.interfaces.filter((i) => i.link);
    const scenarios = new Set([`link:${first!.link}`, `link:${second!.link}`]);
    const only = (name: string) => scenarios.has(name);
    expect(services(frr, 'ipv4', only)).toEqual({ findings: [], scenarios: 2 });
    const passive = editStanza(frr, township.id, second!.name, /^$/, [' ip ospf passive', ' ipv6 ospf6 passive']);
    for (const family of ['ipv4', 'ipv6'] as const) {
      const r = services(passive, family, only);
      expect(r.findings.map((f) => `${f.id} ${f.object}`)).toEqual([`failure.services link:${first!.link}`]);
      expect(r.findings[0]!.message).toMatch(new RegExp(`^losing link ${first!.link}: 1 township loses provincial/zwfw-portal`));
    }
  });
});
