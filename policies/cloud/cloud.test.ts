import { beforeAll, describe, expect, it } from 'vitest';
import { defaultContext } from '../../stacks/cloud/testing.js';
import { buildCloudModel, type CloudModel } from '../../stacks/cloud/model.js';
import type { System } from '../../cloud/types.js';
import { CLOUD_POLICIES } from './rules.js';
import { PolicyRegistry } from '../registry.js';
import { registerCloudPolicies } from './index.js';
import { runPolicies } from '../run.js';

let clean: CloudModel;
let ctx: Awaited<ReturnType<typeof defaultContext>>;
const sys = (id: string, over: Partial<System> = {}): System => ({
  id,
  department: 'finance',
  level: 'province',
  classified: false,
  vcpu: 4,
  ramGiB: 16,
  storageTiB: 1,
  protectionClass: 'p4',
  ...over,
});
const rule = (id: string) => CLOUD_POLICIES.find((r) => r.id === id)!;
const check = (id: string, m: CloudModel) => rule(id).check({ cloud: m, topology: ctx.topology, inventory: ctx.inventory } as never);

beforeAll(async () => {
  ctx = await defaultContext();
  const { inventory, topology } = ctx;
  clean = buildCloudModel(inventory, topology, {
    systems: [sys('a', { protectionClass: 'p6' }), sys('b', { level: 'city', city: 'baoji', department: 'health' }), sys('c', { classified: true })],
  })!;
});

describe('cloud policies CLD-001…007', () => {
  it('pass on a clean model', () => {
    for (const r of CLOUD_POLICIES) expect(check(r.id, clean), r.id).toEqual([]);
  });

  it('CLD-001 catches a classified system on an extranet cloud', () => {
    const m = structuredClone(clean);
    m.placement.placed.push({ system: 'c', cloud: 'provincial', tenant: 'provincial-finance', az: 'az1', replicas: [] });
    expect(check('CLD-001', m)).toEqual([expect.objectContaining({ resource: 'system:c' })]);
  });

  it('CLD-002 catches a missing replica and a replica in the primary’s own centre', () => {
    const m = structuredClone(clean);
    const a = m.placement.placed.find((p) => p.system === 'a')!;
    a.replicas = [a.replicas[0]!, { ...a.replicas[1]!, cloud: 'provincial', centre: 'xinchuang' }];
    const b = m.placement.placed.find((p) => p.system === 'b')!;
    b.replicas = [];
    const found = check('CLD-002', m).map((v) => `${v.resource}: ${v.message}`);
    expect(found).toEqual(['system:a: async replica of a is in its own centre (xinchuang)', 'system:b: class p4 demands async replicas, b has none']);
  });

  it('CLD-003 catches quotas over capacity', () => {
    const m = structuredClone(clean);
    m.registry.clouds[0]!.tenants[0]!.quota.vcpu = 1e6;
    expect(check('CLD-003', m)).toEqual([
      expect.objectContaining({ resource: 'cloud:provincial', location: expect.objectContaining({ path: 'clouds[0].tenants' }) }),
    ]);
  });

  it('CLD-004 catches 0.0.0.0/0 and ::/0 unless the service is declared public', () => {
    const m = structuredClone(clean);
    const rules = m.registry.clouds[1]!.tenants[0]!.securityRules;
    rules.push({ name: 'web', direction: 'ingress', protocol: 'tcp', portMin: 80, portMax: 80, remotePrefixes: ['0.0.0.0/0', '::/0'], public: false });
    expect(check('CLD-004', m)).toEqual([expect.objectContaining({ resource: 'cloud:xian/rule:web', message: expect.stringContaining('0.0.0.0/0 and ::/0') })]);
    rules[rules.length - 1]!.public = true;
    expect(check('CLD-004', m)).toEqual([]);
  });

  it('CLD-005 catches a single-stack subnet', () => {
    const m = structuredClone(clean);
    m.registry.clouds[2]!.tenants[1]!.subnets.ipv6 = '';
    m.registry.clouds[3]!.extranet.subnets.ipv6 = '10.1.0.0/24';
    expect(check('CLD-005', m).map((v) => v.resource)).toEqual(['cloud:tongchuan/tenant:drc', 'cloud:baoji/extranet']);
  });

  it('CLD-006 catches a system left in its department data room', () => {
    const m = structuredClone(clean);
    m.placement.unplaced.push({ system: 'z', kind: 'quota', reason: 'tenant quota exhausted' });
    expect(check('CLD-006', m)).toEqual([expect.objectContaining({ resource: 'system:z', message: expect.stringContaining("department's data room") })]);
  });

  it('CLD-008 catches a publishing tenant without floating IPs and a VIP outside the provider network', () => {
    const m = structuredClone(clean);
    const c = m.registry.clouds.find((x) => x.id === 'provincial')!;
    c.tenants.find((t) => t.department === 'gov-office')!.floatingIps = 0;
    c.services[1]!.vip.ipv4 = '10.99.0.1';
    expect(
      check('CLD-008', m)
        .map((v) => v.resource)
        .sort(),
    ).toEqual(['cloud:provincial/service:open-data', 'cloud:provincial/tenant:gov-office']);
  });

  it('CLD-008 catches two tenant routers on one gateway, one in the allocation pool, and floating IPs the pool cannot hold', () => {
    const m = structuredClone(clean);
    const c = m.registry.clouds.find((x) => x.id === 'xian')!;
    c.tenants[1]!.routerGateway.ipv4 = c.tenants[0]!.routerGateway.ipv4;
    c.tenants[2]!.routerGateway.ipv6 = c.extranet.allocation.ipv6.start;
    c.tenants[3]!.floatingIps = 500;
    expect(check('CLD-008', m).map((v) => `${v.resource}: ${v.message}`)).toEqual([
      `cloud:xian/tenant:${c.tenants[1]!.department}: router gateway ${c.tenants[0]!.routerGateway.ipv4} of ${c.tenants[1]!.project} is also ${c.tenants[0]!.department}'s`,
      'cloud:xian/extranet: the provider network 10.0.50.0/24 leaves 62 addresses for floating IPs after the router gateways, the tenants need 501',
      `cloud:xian/tenant:${c.tenants[2]!.department}: router gateway ${c.extranet.allocation.ipv6.start} of ${c.tenants[2]!.project} is outside the router slots of the lower half, between ${c.extranet.gateway.ipv6} and the allocation pool at ${c.extranet.allocation.ipv6.start}`,
    ]);
  });

  it('register into a registry and run on the default inventory through their provider', async () => {
    const { inventory } = await defaultContext();
    const registry = new PolicyRegistry();
    registerCloudPolicies(registry);
    const rules = registry.all();
    expect(rules.map((r) => r.id)).toEqual(['CLD-001', 'CLD-002', 'CLD-003', 'CLD-004', 'CLD-005', 'CLD-006', 'CLD-007', 'CLD-008']);
    const report = runPolicies(rules, await registry.inputsFor(inventory, rules));
    // the default province passes every cloud rule (synth refuses to write when a hard rule fails)
    for (const r of report.rules) expect(r.findings, r.id).toEqual([]);
    expect(report.rules.map((r) => r.status)).toEqual(Array(8).fill('passed'));
  });
});
