/**
 * Every published service of the default inventory is a complete Octavia set in its cloud's stack
 * (issue 15 part 3), per family: one load balancer whose VIP is the address the IPAM planned for
 * it (the topology's service, the pool `cloud/<id>/vip/<name>`) on the provider network's subnet,
 * one listener on that load balancer with the service's protocol and port, one pool on that
 * listener, the declared number of members on the publishing tenant's subnet with addresses inside
 * it, and one health monitor on that pool; the set is valid against the provider schema and no
 * load-balancer resource is left that belongs to no published service. Expectations come from
 * clouds.yaml and the IPAM, not from the stack code, and the references are followed through the
 * JSON (`${type.name.id}`), not matched by resource name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { contains, parsePrefix } from '../../lib/ip.js';
import type { Inventory } from '../../inventory/load.js';
import type { Topology } from '../../network/types.js';
import { loadClouds } from '../../cloud/load.js';
import { checkTerraformJson, loadProviderSchema } from '../../test/support/schema-check.js';
import { cloudStacks } from './index.js';
import { defaultContext, synthToJson } from './testing.js';

type Body = Record<string, unknown>;
type Resources = Record<string, Record<string, Body>>;
const LB = ['openstack_lb_loadbalancer_v2', 'openstack_lb_listener_v2', 'openstack_lb_pool_v2', 'openstack_lb_member_v2', 'openstack_lb_monitor_v2'];

let ctx: { inventory: Inventory; topology: Topology };
let docs: Map<string, Record<string, unknown>>;

beforeAll(async () => {
  ctx = await defaultContext();
  const stacks = cloudStacks(ctx, { backend: { kind: 'local', stateDir: '.stacks', outdir: 'cdktf.out' } }).filter((c) => c.name.startsWith('cloud-'));
  docs = await synthToJson(stacks, ctx);
}, 300_000);

const ref = (type: string, name: string) => `\${${type}.${name}.id}`;
/** The resources of a type whose attribute is exactly this value. */
const where = (r: Resources, type: string, attr: string, value: unknown) => Object.entries(r[type] ?? {}).filter(([, b]) => b[attr] === value);
/** The resource a `${type.name.id}` reference points at. */
function deref(r: Resources, value: unknown): { type: string; name: string; body: Body } | undefined {
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.id\}$/.exec(String(value));
  if (!m) return undefined;
  const body = r[m[1]!]?.[m[2]!];
  return body ? { type: m[1]!, name: m[2]!, body } : undefined;
}

describe('published services as Octavia sets (default province)', () => {
  it('each service and family: load balancer → listener → pool → members + monitor, consistent with the IPAM and clouds.yaml', () => {
    const spec = loadClouds(ctx.inventory)!.spec;
    const services = ctx.topology.services ?? [];
    expect(services.length).toBe(spec.clouds.reduce((n, c) => n + c.services.length, 0));
    expect(services.length).toBeGreaterThanOrEqual(12);
    const schema = loadProviderSchema();
    const owned = new Map<string, Set<string>>(); // stack → type.name of every resource of a set
    for (const svc of services) {
      const cloudId = svc.owner.replace(/^cloud:/, '');
      const declared = spec.clouds.find((c) => c.id === cloudId)!.services.find((s) => s.name === svc.name)!;
      const stack = `cloud-${cloudId}`;
      const r = (docs.get(stack)!.resource ?? {}) as Resources;
      const mine = owned.get(stack) ?? new Set<string>();
      owned.set(stack, mine);
      const provider = ctx.topology.pools![`cloud/${cloudId}/provider`]!;
      const tenantNet = ctx.topology.pools![`cloud/${cloudId}/tenant/${declared.tenant}`]!;
      const vipPool = ctx.topology.pools![`cloud/${cloudId}/vip/${svc.name}`]!;
      const project = Object.entries(r.openstack_identity_project_v3 ?? {}).find(([, b]) => b.name === `${cloudId}-${declared.tenant}`);
      expect(project, `${svc.id}: project of ${declared.tenant}`).toBeDefined();
      const tenantRef = ref('openstack_identity_project_v3', project![0]);
      for (const fam of ['ipv4', 'ipv6'] as const) {
        const at = `${svc.id} ${fam}`;
        const set: Resources = {};
        const keep = (type: string, name: string, body: Body) => {
          (set[type] ??= {})[name] = body;
          mine.add(`${type}.${name}`);
          expect(body.tenant_id, `${at}: ${type}.${name} tenant`).toBe(tenantRef);
        };
        // the VIP is the address the pool plan gave the service
        expect(`${svc.vip[fam]}/${fam === 'ipv4' ? 32 : 128}`).toBe(vipPool[fam]);
        const lbs = where(r, 'openstack_lb_loadbalancer_v2', 'vip_address', svc.vip[fam]);
        expect(lbs.length, `${at}: load balancers at the VIP`).toBe(1);
        const [lbName, lb] = lbs[0]!;
        keep('openstack_lb_loadbalancer_v2', lbName, lb);
        const vipSubnet = deref(r, lb.vip_subnet_id);
        expect(vipSubnet?.type, `${at}: VIP subnet`).toBe('openstack_networking_subnet_v2');
        expect(vipSubnet!.body.cidr, `${at}: VIP on the provider network`).toBe(provider[fam]);
        expect(vipSubnet!.body.ip_version).toBe(fam === 'ipv4' ? 4 : 6);

        const listeners = where(r, 'openstack_lb_listener_v2', 'loadbalancer_id', ref('openstack_lb_loadbalancer_v2', lbName));
        expect(listeners.length, `${at}: listeners`).toBe(1);
        const [listenerName, listener] = listeners[0]!;
        keep('openstack_lb_listener_v2', listenerName, listener);
        expect([listener.protocol, listener.protocol_port], at).toEqual([declared.protocol, declared.port]);

        const pools = where(r, 'openstack_lb_pool_v2', 'listener_id', ref('openstack_lb_listener_v2', listenerName));
        expect(pools.length, `${at}: pools`).toBe(1);
        const [poolName, pool] = pools[0]!;
        keep('openstack_lb_pool_v2', poolName, pool);
        expect(pool.protocol, at).toBe(declared.protocol);

        const poolRef = ref('openstack_lb_pool_v2', poolName);
        const members = where(r, 'openstack_lb_member_v2', 'pool_id', poolRef);
        expect(members.length, `${at}: members`).toBe(declared.members);
        const tenantPrefix = parsePrefix(tenantNet[fam]);
        for (const [name, m] of members) {
          keep('openstack_lb_member_v2', name, m);
          const sub = deref(r, m.subnet_id);
          expect(sub?.body.cidr, `${at}: member ${name} subnet = the tenant's`).toBe(tenantNet[fam]);
          expect(contains(tenantPrefix, parsePrefix(`${m.address}/${fam === 'ipv4' ? 32 : 128}`)), `${at}: ${m.address} in ${tenantNet[fam]}`).toBe(true);
          expect(m.protocol_port).toBe(declared.member_port ?? declared.port);
        }
        expect(new Set(members.map(([, m]) => m.address)).size, `${at}: distinct members`).toBe(members.length);

        const monitors = where(r, 'openstack_lb_monitor_v2', 'pool_id', poolRef);
        expect(monitors.length, `${at}: monitors`).toBe(1);
        const [monitorName, monitor] = monitors[0]!;
        keep('openstack_lb_monitor_v2', monitorName, monitor);
        expect(monitor.type, at).toBe(declared.protocol);
        if (declared.protocol !== 'TCP') expect(monitor.url_path, at).toBe(declared.health_path);

        expect(checkTerraformJson({ resource: set }, schema), at).toEqual([]);
      }
    }
    // nothing load-balancing is left over that no published service owns
    for (const [stack, doc] of docs) {
      const r = (doc.resource ?? {}) as Resources;
      const all = LB.flatMap((type) => Object.keys(r[type] ?? {}).map((name) => `${type}.${name}`));
      expect(
        all.filter((a) => !owned.get(stack)?.has(a)),
        stack,
      ).toEqual([]);
    }
  });
});
