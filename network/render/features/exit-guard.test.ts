import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { verifyConfigs, type RenderedConfigFile } from '../../verify/config/index.js';
import { inboundVerdict } from '../../verify/config/exit-filter.js';
import { DIALECTS } from '../index.js';
import { parseVrp } from '../vrp-parse.js';
import { renderVrp } from '../vrp.js';
import { vrpInterfaceNames } from '../vrp-names.js';

let full: Topology;
let topology: Topology;
beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope('cities=xian;counties=1;townships=1;datacenters=none', defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
});

const vrpFiles = (edit: (device: string, text: string) => string = (_d, t) => t): RenderedConfigFile[] =>
  topology.devices.map((d) => ({ device: d.id, dialect: 'vrp', path: `vrp/${d.id}.cfg`, text: edit(d.id, DIALECTS.vrp.render(full, d.id)) }));
const exitFindings = (files: RenderedConfigFile[]) =>
  verifyConfigs(topology, files, { failures: false })
    .findings.filter((f) => f.id.startsWith('exit.') || f.id.startsWith('parse.'))
    .map((f) => `${f.id} ${f.message}`);
const upstream = (id: string) => vrpInterfaceNames(full.devices.find((d) => d.id === id)!).get('inet0')!;

describe('the guarded exit on VRP', () => {
  it('renders ACLs and the NAT pool before the interfaces and the guard on the upstream port', () => {
    const text = renderVrp(full, 'shaanxi-exit1');
    const lines = text.split('\n');
    const port = upstream('shaanxi-exit1');
    const at = (l: string) => lines.indexOf(l);
    expect(at('acl number 3001')).toBeGreaterThan(0);
    expect(at('acl number 3001')).toBeLessThan(at(`interface ${port}`));
    expect(at('nat address-group 1 203.0.113.0 203.0.113.7')).toBeLessThan(at(`interface ${port}`));
    expect(lines).toContain(' rule 5 permit ip source 10.0.0.0 0.63.255.255');
    const portal = full.services!.find((s) => s.id === 'xian/portal')!;
    const stanza = lines.slice(at(`interface ${port}`), lines.indexOf('#', at(`interface ${port}`)));
    expect(stanza).toEqual(
      expect.arrayContaining([
        ' traffic-filter inbound acl 3101',
        ' traffic-filter inbound ipv6 acl 3102',
        ' urpf strict allow-default-route',
        ' ipv6 urpf strict allow-default-route',
        ' nat outbound 3001 address-group 1',
        ` nat server protocol tcp global 203.0.113.9 443 inside ${portal.vip.ipv4} 443`,
      ]),
    );
    expect(lines.filter((l) => l.endsWith(`destination ${portal.vip.ipv6}/128 destination-port eq 443`))).toHaveLength(1);
    // no other device translates or filters
    expect(renderVrp(full, 'shaanxi-r1')).not.toMatch(/nat |traffic-filter|acl number 3/);
    expect(DIALECTS.frr.render(full, 'shaanxi-exit1')).not.toMatch(/nat |acl/);
  });

  it('parses back: the verifier admits the declared services and replies, and nothing else from the internet', () => {
    const parsed = parseVrp(renderVrp(full, 'shaanxi-exit2'));
    expect(parsed.findings).toEqual([]);
    const port = upstream('shaanxi-exit2');
    const portal = full.services!.find((s) => s.id === 'xian/portal')!;
    const v = (p: Parameters<typeof inboundVerdict>[2]) => inboundVerdict(parsed, port, p).reachable;
    expect(v({ family: 'ipv4', protocol: 'tcp', destination: '203.0.113.25', port: 443 })).toBe(true);
    expect(v({ family: 'ipv4', protocol: 'tcp', destination: '203.0.113.25', port: 22 })).toBe(false);
    expect(v({ family: 'ipv4', protocol: 'tcp', destination: '203.0.113.24', port: 8443 })).toBe(false);
    expect(v({ family: 'ipv6', protocol: 'tcp', destination: portal.vip.ipv6, port: 443 })).toBe(true);
    expect(v({ family: 'ipv6', protocol: 'tcp', destination: portal.vip.ipv6, port: 80 })).toBe(false);
    expect(v({ family: 'ipv6', protocol: 'udp', destination: portal.vip.ipv6, port: 443 })).toBe(false);
    expect(v({ family: 'ipv4', protocol: 'tcp', destination: '203.0.113.17', port: 51000, reply: true })).toBe(true);
    expect(inboundVerdict(parsed, port, { family: 'ipv4', protocol: 'tcp', destination: '203.0.113.17', port: 22 }).why).toMatch(
      /rule \d+ of ACL 3101 denys it/,
    );
    expect(exitFindings(vrpFiles())).toEqual([]);
  });

  it('finds every weakened guard, naming the device and the line', () => {
    const onExit1 = (edit: (t: string) => string) => vrpFiles((d, t) => (d === 'shaanxi-exit1' ? edit(t) : t));
    const open4 = exitFindings(onExit1((t) => t.replace(/ rule \d+ deny ip\n/, '')));
    // over IPv4 only the router itself is behind a missing deny: the rest needs a nat server to reach anything
    expect(open4).toHaveLength(6);
    expect(open4.join('\n')).toMatch(
      /^exit\.inbound-open shaanxi-exit1 \S+: the exit itself at 198\.51\.100\.2 tcp\/22 is reachable from the internet \(no rule of ACL 3101 matches, and VRP permits/,
    );
    const open6 = exitFindings(onExit1((t) => t.replace(/ rule \d+ deny ipv6\n/, '')));
    expect(open6.every((f) => f.startsWith('exit.inbound-open shaanxi-exit1'))).toBe(true);
    expect(open6.join('\n')).toMatch(/an undeclared port of \S+ tcp\/22 is reachable/);
    expect(open6.join('\n')).toMatch(/the government address \S+ tcp\/3389 is reachable/);
    const ssh = exitFindings(
      onExit1((t) =>
        t.replace(' rule 5 permit tcp tcp-flag established', ' rule 1 permit tcp destination-port eq 22\n rule 5 permit tcp tcp-flag established'),
      ),
    );
    expect(ssh.some((f) => /^exit\.inbound-open .*tcp\/22 is reachable .*rule 1 of ACL 3101 permits it/.test(f))).toBe(true);
    expect(exitFindings(onExit1((t) => t.replace(' ipv6 urpf strict allow-default-route', ' ipv6 urpf loose allow-default-route')))).toEqual([
      expect.stringMatching(/^exit\.urpf shaanxi-exit1 \S+ \(inet0\) has loose IPv6 uRPF/),
    ]);
    expect(exitFindings(onExit1((t) => t.replace(/ nat server protocol tcp global 203\.0\.113\.9 .*\n/, '')))).toEqual([
      expect.stringMatching(/^exit\.service-blocked shaanxi-exit1 .*xian\/portal at 203\.0\.113\.9 tcp\/443 is not reachable .*no nat server/),
    ]);
    const township = topology.devices.find((d) => d.role === 'access')!;
    const nat = exitFindings(
      vrpFiles((d, t) => (d === township.id ? t.replace(/^(interface GigabitEthernet0\/0\/0\n)/m, '$1 nat outbound 3001 address-group 1\n') : t)),
    );
    expect(nat).toEqual([`exit.nat-off-exit ${township.id} translates addresses; only the exits may`]);
  });
});
