import { describe, expect, test } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { parseScope, selectScope } from './scope.js';
import { allocateSlots, planWiring } from './wiring.js';
import { mgmtAddresses, hostMgmtIf, MGMT_RANGE } from './names.js';
import { namespaceCommands, tbf } from './realize.js';
import { configDiff } from './napalm.js';
import { fullOspf6Neighbours, fullOspfNeighbours, parsePing, pingScript } from './checks.js';
import { heldDownInterfaces, findLink, linkEnds } from './faults.js';
import { emptyState } from './state.js';

const topology = buildTopology(await loadInventory());
const scoped = selectScope(topology, parseScope('cities=xian;counties=1;townships=2;datacenters=none'));
const slots = allocateSlots(
  {},
  scoped.devices.map((d) => d.id),
);

describe('wiring', () => {
  const w = planWiring(scoped, { lab: 'ci', rateScale: 100, slots });
  test('a namespace per device plus the internet and a LAN switch per dual-router site, a veth per link, the model’s interface names', () => {
    // 10 devices + the internet + the LAN switches of the province, Xi'an and Xincheng (VRRP)
    expect(w.namespaces).toHaveLength(14);
    expect(w.namespaces.filter((n) => n.lanSwitch).map((n) => [n.ns, n.lanSwitch!.ports])).toEqual([
      ['stx-ci-lan-shaanxi', ['r1', 'r2']],
      ['stx-ci-lan-xian', ['r1', 'r2']],
      ['stx-ci-lan-xian.xincheng', ['r1', 'r2']],
    ]);
    const links = w.veths.filter((v) => !v.id.startsWith('lan:') && !v.id.startsWith('internet:'));
    expect(links).toHaveLength(scoped.links.length);
    for (const v of w.veths) for (const e of [v.a, v.b]) expect(e.ifname.length).toBeLessThanOrEqual(15);
    const up = w.veths.find((v) => v.id === 'xian.xincheng.t01~up0')!;
    expect(up).toMatchObject({ a: { ns: 'stx-ci-xian.xincheng-r1' }, b: { ns: 'stx-ci-xian.xincheng.t01-r1', ifname: 'up0' }, rateKbit: 2000 });
  });

  test('loopbacks on lo, both families, management /31 from the link-local lab range', () => {
    const t1 = w.namespaces.find((n) => n.device === 'xian.xincheng.t01-r1')!;
    const d = topology.devices.find((x) => x.id === 'xian.xincheng.t01-r1')!;
    expect(t1.addresses.lo).toEqual([d.loopback.ipv4, d.loopback.ipv6]);
    expect(t1.addresses.up0).toHaveLength(2);
    expect(t1.mgmt!.host.startsWith('169.254.')).toBe(true);
    expect(MGMT_RANGE).toBe('169.254.64.0/18');
    const inet = w.namespaces.find((n) => n.ns === 'stx-ci-internet')!;
    expect(inet.addresses.lo).toEqual([`${topology.exit.upstream.ipv4}/32`, `${topology.exit.upstream.ipv6}/128`]);
    // over IPv4 the internet knows each exit's public (NAT) range, never the government supernet
    expect(inet.routes.filter((r) => !r.includes(':'))).toEqual([
      `203.0.113.0/28 via ${topology.exit.handoffs[0]!.ipv4.split('/')[0]} dev exit1 metric 10`,
      `203.0.113.16/28 via ${topology.exit.handoffs[1]!.ipv4.split('/')[0]} dev exit2 metric 100`,
    ]);
    expect(inet.routes.some((r) => r.startsWith(topology.supernets.ipv6))).toBe(true);
  });

  test('slots are stable when devices come and go', () => {
    const a = allocateSlots({}, ['x', 'y', 'z']);
    const b = allocateSlots(a, ['z', 'w']);
    expect(b).toEqual({ z: a.z, w: 0 });
    expect(mgmtAddresses('ci', 3).device).not.toBe(mgmtAddresses('ci', 4).device);
    expect(hostMgmtIf('abcdef', 510).length).toBeLessThanOrEqual(15);
  });

  test('address reconciliation adds what is missing and removes what is stale', () => {
    const n = { ns: 'x', addresses: { up0: ['10.0.0.1/31', '2001:db8::1/127'] }, routes: [] };
    const now = new Map([['up0', { ifname: 'up0', operstate: 'UP', up: true, addresses: ['10.0.0.3/31', '2001:db8::1/127'] }]]);
    expect(namespaceCommands(n, now, new Set(['x/up0']))).toEqual(['addr del 10.0.0.3/31 dev up0', 'addr add 10.0.0.1/31 dev up0', 'link set up0 down']);
    expect(tbf('up0', 100_000)).toMatch(/tbf rate 100000kbit burst 125000/);
  });
});

describe('device output parsing', () => {
  test('config diff: removed and added lines', () => {
    const d = configDiff('interface up0\n ip ospf cost 500\nexit\n', 'interface up0\n ip ospf cost 1000\nexit\n');
    expect(d).toEqual({ remove: [' ip ospf cost 500'], add: [' ip ospf cost 1000'] });
    expect(configDiff('a\n', 'a\n')).toEqual({ remove: [], add: [] });
  });

  test('OSPF neighbour JSON and ping results', () => {
    expect([...fullOspfNeighbours('{"neighbors":{"1.1.1.1":[{"nbrState":"Full/-"}],"2.2.2.2":[{"nbrState":"Init/-"}]}}')]).toEqual(['1.1.1.1']);
    expect([...fullOspf6Neighbours('{"neighbors":[{"neighborId":"1.1.1.1","state":"Full"},{"neighborId":"3.3.3.3","state":"ExStart"}]}')]).toEqual(['1.1.1.1']);
    expect(pingScript(['10.0.0.1', '2001:db8::1'])).toMatch(/^fping .*--alive.* 10\.0\.0\.1 2001:db8::1 2>\/dev\/null \|\| true$/);
    expect(pingScript([])).toBe('true');
    // fping --alive lists the answering targets; anything else on stdout is not an answer
    expect(parsePing('10.0.0.1\nnoise\n', ['10.0.0.1', '2001:db8::1'])).toEqual({ ok: new Set(['10.0.0.1']), failed: ['2001:db8::1'] });
  });

  test('a link fault cuts one end (the other stays admin-up without carrier); a device fault holds every interface', () => {
    const s = emptyState('ci', '', '', 100, false);
    const id = findLink(scoped, 'xian.xincheng.t01-r1', 'xian.xincheng-r1')!;
    expect(id).toBe('xian.xincheng.t01~up0');
    s.faults.links.push(id);
    expect([...heldDownInterfaces(scoped, s)]).toEqual(['stx-ci-xian.xincheng.t01-r1/up0']);
    expect(linkEnds(scoped, 'ci', id)).toEqual({
      sensing: 'stx-ci-xian.xincheng-r1/' + scoped.links.find((l) => l.id === id)!.a.interface,
      cut: 'stx-ci-xian.xincheng.t01-r1/up0',
    });
    expect(linkEnds(scoped, 'ci', 'internet:shaanxi-exit1')?.cut).toBe('stx-ci-internet/exit1');
    s.faults = { links: [], devices: ['xian.xincheng.t01-r1'] };
    expect(heldDownInterfaces(scoped, s)).toContain('stx-ci-xian.xincheng.t01-r1/mgmt0');
    expect(findLink(scoped, 'internet', 'shaanxi-exit1')).toBe('internet:shaanxi-exit1');
  });
});

describe('verify expectations from the model', () => {
  test('every township reaches core and exit in the healthy scope; a faulted device reaches nothing', async () => {
    const { modelExpectations } = await import('./verify.js');
    const s = emptyState('ci', '', '', 100, false);
    const { expected, model } = modelExpectations(scoped, s);
    for (const fam of ['ipv4', 'ipv6'] as const) {
      expect({
        fam,
        core: expected('xian.xincheng.t01-r1', 'reach.core', fam),
        exit: expected('xian.xincheng.t01-r1', 'reach.exit', fam),
        failures: model.checks.filter((c) => c.id.startsWith('reach.') && !c.passed).map((c) => c.failures),
      }).toEqual({ fam, core: true, exit: true, failures: [] });
    }
    s.faults.devices.push('xian.xincheng.t01-r1');
    expect(modelExpectations(scoped, s).expected('xian.xincheng.t01-r1', 'reach.core', 'ipv4')).toBe(false);
  });
});
