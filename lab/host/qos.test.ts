import { describe, expect, test } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { parseScope, selectScope } from '../scope.js';
import { allocateSlots, planWiring } from '../wiring.js';
import { htbCommands, htbShaping, parseQdiscState, parseTcClasses, qosFingerprint } from './qos.js';

const topology = buildTopology(await loadInventory());
const township = topology.qos!.find((p) => p.tier === 'county-township')!;

describe('htb classes from the QoS class table', () => {
  // 200M / --rate-scale 10
  const s = htbShaping('up0', 20_000, township);

  test('one leaf per DSCP class at its share of the shaped rate; EF capped at its share and served first, bulk the default', () => {
    expect(s.leaves.map((l) => [l.id, l.classid, l.rateKbit, l.ceilKbit, l.prio])).toEqual([
      ['network-control', '1:10', 1000, 20_000, 1],
      ['realtime-video', '1:20', 7000, 7000, 0],
      ['interactive', '1:30', 7000, 20_000, 1],
      ['bulk', '1:40', 5000, 20_000, 2],
    ]);
    expect(s.defaultClassid).toBe('1:40');
    expect(s.leaves.reduce((n, l) => n + l.rateKbit, 0)).toBeLessThanOrEqual(s.rateKbit);
  });

  test('a filter per code point in each family, each to its class, unique handles', () => {
    const codePoints = township.classes.flatMap((c) => c.dscp).length;
    expect(s.filters).toHaveLength(2 * codePoints);
    expect(new Set(s.filters.map((f) => f.handle)).size).toBe(s.filters.length);
    const ef = s.filters.filter((f) => f.dscp === 46);
    expect(ef.map((f) => [f.family, f.classid])).toEqual([
      ['ipv4', '1:20'],
      ['ipv6', '1:20'],
    ]);
  });

  test('a fresh interface: the htb root first, then the circuit, the leaves with their fifos, the u32 filters on the DS field', () => {
    const lines = htbCommands(s, { classids: [], filters: [] });
    expect(lines[0]).toBe('qdisc replace dev up0 root handle 1: htb default 40');
    expect(lines[1]).toMatch(/^class replace dev up0 parent 1: classid 1:1 htb rate 20000kbit ceil 20000kbit burst \d+ cburst \d+ quantum \d+$/);
    expect(lines).toContain('class replace dev up0 parent 1:1 classid 1:20 htb rate 7000kbit ceil 7000kbit burst 16384 cburst 16384 prio 0 quantum 8750');
    expect(lines).toContain('qdisc replace dev up0 parent 1:20 handle 20: bfifo limit 43750');
    // EF is DSCP 46: DS field 0xb8
    expect(lines).toContain('filter replace dev up0 parent 1: protocol ip prio 1 handle 800::3 u32 match ip dsfield 0xb8 0xfc flowid 1:20');
    expect(lines).toContain('filter replace dev up0 parent 1: protocol ipv6 prio 2 handle 801::3 u32 match ip6 priority 0xb8 0xfc flowid 1:20');
    expect(lines.some((l) => l.includes('delete'))).toBe(false);
  });

  test('over our own htb root: no new root (htb cannot change one), classes and filters replaced, what the table dropped deleted', () => {
    const lines = htbCommands(s, {
      rootKind: 'htb',
      rootHandle: '1:',
      classids: ['1:1', '1:10', '1:20', '1:50'],
      filters: ['1/800::1', '1/800::1f', '2/801::2'],
    });
    expect(lines.some((l) => l.startsWith('qdisc replace dev up0 root'))).toBe(false);
    expect(lines.filter((l) => l.includes('delete'))).toEqual([
      'filter delete dev up0 parent 1: protocol ip prio 1 handle 800::1f u32',
      'class delete dev up0 classid 1:50',
    ]);
  });

  test('over a tbf (a lab shaped before QoS): the htb root is grafted over it', () => {
    expect(htbCommands(s, { rootKind: 'tbf', rootHandle: '8001:', classids: [], filters: [] })[0]).toBe('qdisc replace dev up0 root handle 1: htb default 40');
  });

  test('the state is read back from tc (qdiscs and filters as JSON, classes as text: iproute2 6.1)', () => {
    const qdiscs = JSON.stringify([
      { kind: 'htb', handle: '1:', root: true, refcnt: 3, options: { r2q: 10, default: '0x40' } },
      { kind: 'bfifo', handle: '20:', parent: '1:20', options: { limit: 43750 } },
    ]);
    const classes = [
      'class htb 1:1 root rate 20Mbit ceil 20Mbit burst 25000b cburst 25000b ',
      ' Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) ',
      ' backlog 0b 0p requeues 0',
      'class htb 1:20 parent 1:1 leaf 20: prio 0 rate 7Mbit ceil 7Mbit burst 16Kb cburst 16Kb ',
      ' Sent 2500000 bytes 2083 pkt (dropped 3, overlimits 10 requeues 0) ',
      ' backlog 0b 0p requeues 0',
      ' lended: 0 borrowed: 0 giants: 0',
      '',
    ].join('\n');
    const filters = JSON.stringify([
      { protocol: 'ip', pref: 1, kind: 'u32', chain: 0 },
      { protocol: 'ip', pref: 1, kind: 'u32', chain: 0, options: { fh: '800:', ht_divisor: 1 } },
      {
        protocol: 'ip',
        pref: 1,
        kind: 'u32',
        chain: 0,
        options: { fh: '800::1', order: 1, key_ht: '800', bkt: '0', flowid: '1:20', match: { value: 'b80000', mask: 'fc0000' } },
      },
      { protocol: 'ipv6', pref: 2, kind: 'u32', chain: 0, options: { fh: '801:', ht_divisor: 1 } },
      { protocol: 'ipv6', pref: 2, kind: 'u32', chain: 0, options: { fh: '801::1', order: 1, key_ht: '801', bkt: '0', flowid: '1:20' } },
    ]);
    expect(parseQdiscState(qdiscs, classes, filters)).toEqual({
      rootKind: 'htb',
      rootHandle: '1:',
      classids: ['1:1', '1:20'],
      filters: ['1/800::1', '2/801::1'],
    });
    expect(parseTcClasses(classes)[1]).toEqual({ classid: '1:20', rate: '7Mbit', ceil: '7Mbit', bytes: 2_500_000, packets: 2083, drops: 3 });
    expect(parseQdiscState('[{"kind":"noqueue","handle":"0:","root":true}]', '', '[]')).toEqual({
      rootKind: 'noqueue',
      rootHandle: '0:',
      classids: [],
      filters: [],
    });
  });

  test('the fingerprint changes with the table, not between two builds', async () => {
    const again = buildTopology(await loadInventory()).qos!;
    expect(qosFingerprint(again)).toBe(qosFingerprint(topology.qos!));
    const changed = structuredClone(again);
    changed[0]!.classes[1]!.sharePercent += 1;
    expect(qosFingerprint(changed)).not.toBe(qosFingerprint(again));
  });
});

describe('the lab wiring shapes tiered circuits with their policy', () => {
  const scoped = selectScope(topology, parseScope('cities=xian;counties=1;townships=1;datacenters=none'));
  const slots = allocateSlots(
    {},
    scoped.devices.map((d) => d.id),
  );
  const w = planWiring(scoped, { lab: 'ci', rateScale: 10, slots });
  test('uplinks carry the tier policy at the scaled rate; peer links and the exits do not', () => {
    const up = w.veths.find((v) => v.id === 'xian.xincheng.t01~up0')!;
    expect(up.rateKbit).toBe(20_000);
    expect(up.qos?.name).toBe('QOS-COUNTY-TOWNSHIP');
    expect(w.veths.find((v) => v.id === 'xian~up0')!.qos?.name).toBe('QOS-PROVINCE-CITY');
    expect(w.veths.find((v) => v.id === 'xian~peer')!.qos).toBeUndefined();
    expect(w.veths.filter((v) => v.id.startsWith('internet:')).every((v) => v.qos === undefined)).toBe(true);
  });
});
