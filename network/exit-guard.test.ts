import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { StacksErrors } from '../lib/errors.js';
import { planExitGuards } from './exit-guard.js';
import { buildTopology } from './topology.js';
import type { Topology } from './types.js';

let inv: Inventory;
let topo: Topology;
beforeAll(async () => {
  inv = await loadInventory();
  topo = buildTopology(inv);
});

const withPolicy = (edit: (p: NonNullable<Inventory['exitPolicy']>) => void) => {
  const policy = structuredClone(inv.exitPolicy!);
  edit(policy);
  return () => planExitGuards({ ...inv, exitPolicy: policy }, topo);
};
const problems = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof StacksErrors) return e.errors.map((x) => `${x.path}: ${x.message}`);
    throw e;
  }
  return [];
};

describe('the guarded exit from exit-policy.yaml', () => {
  it('gives each exit source NAT to its own public pool, strict uRPF and the declared services only', () => {
    const g = topo.exit.guards!;
    expect(g.map((x) => x.device)).toEqual(['shaanxi-exit1', 'shaanxi-exit2']);
    expect(g[0]).toMatchObject({ interface: 'inet0', urpf: 'strict', nat: { inside: ['10.0.0.0/10'], poolFirst: '203.0.113.0', poolLast: '203.0.113.7' } });
    expect(g[1]!.nat).toMatchObject({ publicRange: '203.0.113.16/28', poolFirst: '203.0.113.16', poolLast: '203.0.113.23' });
    const portal = topo.services!.find((s) => s.id === 'xian/portal')!;
    expect(g[0]!.admit).toContainEqual({ service: 'xian/portal', family: 'ipv4', protocol: 'tcp', port: 443, address: '203.0.113.9', inside: portal.vip.ipv4 });
    expect(g[0]!.admit).toContainEqual({ service: 'xian/portal', family: 'ipv6', protocol: 'tcp', port: 443, address: portal.vip.ipv6 });
    expect(g[1]!.admit.filter((a) => a.family === 'ipv4').map((a) => a.address)).toEqual(['203.0.113.24', '203.0.113.25']);
  });

  it('without exit-policy data keeps default-deny and uRPF but translates and publishes nothing', () => {
    const g = planExitGuards({ paths: inv.paths }, topo);
    expect(g.map((x) => [x.device, x.urpf, x.nat, x.admit.length])).toEqual([
      ['shaanxi-exit1', 'strict', undefined, 0],
      ['shaanxi-exit2', 'strict', undefined, 0],
    ]);
  });

  it('refuses bad data naming the file path', () => {
    expect(problems(withPolicy((p) => (p.exits[0]!.device = 'shaanxi-r1')))).toEqual([
      'exits[0].device: "shaanxi-r1" is not an exit of the topology (shaanxi-exit1, shaanxi-exit2)',
    ]);
    expect(problems(withPolicy((p) => (p.exits[1]!.public_ipv4 = '203.0.113.0/27')))).toContain(
      "exits[1].public_ipv4: 203.0.113.0/27 overlaps shaanxi-exit1's public range",
    );
    expect(problems(withPolicy((p) => (p.exits[0]!.public_ipv4 = '10.0.0.0/28')))).toContain(
      'exits[0].public_ipv4: 10.0.0.0/28 overlaps the government supernet 10.0.0.0/10',
    );
    expect(problems(withPolicy((p) => (p.exits[0]!.snat_ipv4 = '203.0.114.0/29')))[0]).toMatch(/not inside the exit's public range/);
    expect(problems(withPolicy((p) => (p.public_services[0]!.service = 'xian/nothing')))[0]).toMatch(
      /^public_services\[0\]\.service: "xian\/nothing" is not a published service/,
    );
    expect(problems(withPolicy((p) => (p.public_services[0]!.public_ipv4['shaanxi-exit1'] = '203.0.113.3')))).toEqual([
      "public_services[0].public_ipv4.shaanxi-exit1: 203.0.113.3 lies in shaanxi-exit1's source NAT pool",
    ]);
    expect(problems(withPolicy((p) => (p.public_services[1]!.public_ipv4['shaanxi-exit2'] = '203.0.113.24')))).toEqual([
      'public_services[1].public_ipv4.shaanxi-exit2: 203.0.113.24:tcp/443 is already provincial/zwfw-portal',
    ]);
    expect(problems(withPolicy((p) => (p.nat.inside_ipv4 = ['192.168.0.0/16'])))[0]).toMatch(/not a government range/);
  });
});
