import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../topology.js';
import type { Topology } from '../types.js';
import { fixtureTopology } from '../../test/support/fixture.js';
import { DIALECTS, DIALECT_IDS } from './index.js';
import { parseFrr } from './frr-parse.js';
import { parseVrp } from './vrp-parse.js';

describe('each dialect parses what its renderer writes', () => {
  let province: Topology;
  beforeAll(async () => {
    province = buildTopology(await loadInventory());
  });

  it('reads every line of every device of the default province, both dialects, and no line stays unread', () => {
    for (const id of DIALECT_IDS) {
      const findings: string[] = [];
      for (const d of province.devices) {
        const parsed = DIALECTS[id].parse(DIALECTS[id].render(province, d.id, { fastTimers: d.index === 1 }));
        for (const f of parsed.findings) findings.push(`${id} ${d.id}:${f.line} ${f.id} ${f.message}`);
      }
      expect(findings).toEqual([]);
    }
  });

  it('gives both dialects the same interfaces, addresses, areas, costs and defaults (names aside)', () => {
    const t = fixtureTopology();
    for (const device of t.devices) {
      const frr = parseFrr(DIALECTS.frr.render(t, device.id));
      const vrp = parseVrp(DIALECTS.vrp.render(t, device.id));
      const rename = new Map(device.interfaces.map((i) => [DIALECTS.vrp.interfaceName(device, i.name), i.name]));
      rename.set('LoopBack0', 'lo');
      const shape = (c: ReturnType<typeof parseFrr>, names: Map<string, string> | undefined) =>
        c.interfaces
          .map((i) => ({
            name: names?.get(i.name) ?? i.name,
            v4: i.ipv4 && `${i.ipv4.address}/${i.ipv4.length}`,
            v6: i.ipv6.map((a) => `${a.address}/${a.length}`),
            v6on: i.ipv6Enabled,
            v2: i.ospf.v2 && { area: i.ospf.v2.area, cost: i.ospf.v2.cost, type: i.ospf.v2.networkType, passive: i.ospf.v2.passive },
            v3: i.ospf.v3 && { area: i.ospf.v3.area, cost: i.ospf.v3.cost, type: i.ospf.v3.networkType, passive: i.ospf.v3.passive },
          }))
          .sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(shape(vrp, rename)).toEqual(shape(frr, undefined));
      expect(vrp.ospf.v2?.routerId).toBe(frr.ospf.v2?.routerId);
      expect(vrp.ospf.v3?.defaultOriginate?.metric).toBe(frr.ospf.v3?.defaultOriginate?.metric);
      expect(vrp.statics.map((s) => [s.networkHex, s.length, s.nextHop])).toEqual(frr.statics.map((s) => [s.networkHex, s.length, s.nextHop]));
    }
  });

  it('reports each line it does not understand with its line number, and keeps going', () => {
    const frr = parseFrr('hostname a\ninterface up0\n ip address 10.0.0.1/31\n ip ospf bogus 3\n ip address 10.0.0.300/31\nexit\nrouter bgp 65000\nend\n');
    expect(frr.findings.map((f) => [f.id, f.line])).toEqual([
      ['parse.unknown-line', 4],
      ['parse.secondary-address', 5],
      ['parse.unknown-line', 7],
    ]);
    expect(frr.interfaces[0]!.ipv4?.address).toBe('10.0.0.1');
    const vrp = parseVrp(
      '#\nsysname a\n#\ninterface GigabitEthernet0/0/0\n ip address 10.0.0.1 255.0.255.0\n foo\n#\nospf 1 router-id 1.1.1.1\n area 0.0.0.0\n  network 10.0.0.0 255.255.255.254\n#\nreturn\n',
    );
    expect(vrp.findings.map((f) => [f.id, f.line])).toEqual([
      ['parse.bad-value', 5],
      ['parse.unknown-line', 6],
      ['vrp.network-mask', 10],
      ['ospf.network-unmatched', 10],
    ]);
  });

  it('never quotes a key in a finding: a line it does not understand is shown up to the word before its secret', () => {
    const frr = parseFrr(
      'hostname a\ninterface up0\n ip ospf message-digest-key 1 sha256 Leak-Key-0123\n ip ospf bogus-key-thing Leak-Key-4567 md5 Leak-Key-89ab\nexit\n',
    );
    const messages = frr.findings.map((f) => f.message).join('\n');
    expect(frr.findings.length).toBeGreaterThan(0);
    expect(messages).not.toMatch(/Leak-Key/);
    expect(messages).toMatch(/"ip ospf message-digest-key \*\*\*"/);
    const vrp = parseVrp('#\nsysname a\n#\ninterface GigabitEthernet0/0/0\n ospf authentication-mode bogus 1 cipher Leak-Key-cdef\n#\nreturn\n');
    expect(vrp.findings.length).toBeGreaterThan(0);
    expect(vrp.findings.map((f) => f.message).join('\n')).not.toMatch(/Leak-Key/);
  });

  it('matches VRP network statements by wildcard, as VRP does (a mask written instead matches by low bits)', () => {
    const text = (wild: string) =>
      `#\nipv6\n#\ninterface GigabitEthernet0/0/0\n ip address 10.9.8.6 255.255.255.254\n#\ninterface GigabitEthernet0/0/1\n ip address 10.1.1.2 255.255.255.254\n#\nospf 1 router-id 1.1.1.1\n area 0.0.0.5\n  network 10.9.8.6 ${wild}\n#\nreturn\n`;
    const right = parseVrp(text('0.0.0.1'));
    expect(right.interfaces.map((i) => i.ospf.v2?.area)).toEqual(['0.0.0.5', undefined]);
    const wrong = parseVrp(text('255.255.255.254'));
    expect(wrong.interfaces.map((i) => i.ospf.v2?.area)).toEqual(['0.0.0.5', '0.0.0.5']);
  });
});
