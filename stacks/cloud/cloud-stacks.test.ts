import { beforeAll, describe, expect, it } from 'vitest';
import { checkTerraformJson, loadProviderSchema } from '../../test/support/schema-check.js';
import { cloudStacks } from './index.js';
import { defaultContext, synthToJson } from './testing.js';
import type { Inventory } from '../../inventory/load.js';
import type { Topology } from '../../network/types.js';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { copyInventory } from '../../test/support/inventory.js';
import { contains, parseAddress, parsePrefix, subnet } from '../../lib/ip.js';

const schema = loadProviderSchema();
let ctx: { inventory: Inventory; topology: Topology };
let docs: Map<string, Record<string, unknown>>;

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const resources = (doc: Record<string, unknown>) => (doc.resource ?? {}) as Resources;

beforeAll(async () => {
  ctx = await defaultContext();
  docs = await synthToJson(cloudStacks(ctx, { backend: { kind: 'local', stateDir: '.stacks', outdir: 'cdktf.out' } }), ctx);
});

describe('cloud and DR stacks of the default inventory', () => {
  it('has a stack per cloud (1+11+8 and 3 DR pools) and DR stacks per centre pair', () => {
    const names = [...docs.keys()];
    expect(names.filter((n) => n.startsWith('cloud-'))).toHaveLength(23);
    expect(names).toContain('cloud-provincial');
    expect(names).toContain('dr-dc-xinchuang-info-centre');
    expect(names).toContain('dr-dc-xinchuang-yulin-dc');
    // Yulin's own cloud replicates to the alternative remote centre, Yan'an
    expect(names).toContain('dr-dc-yulin-dc-yanan-dc');
  });

  it('every resource and provider block of every stack is valid against the provider schema', () => {
    let checked = 0;
    for (const [name, doc] of docs) {
      const violations = checkTerraformJson(doc, schema);
      expect(violations, `${name}: ${JSON.stringify(violations.slice(0, 3))}`).toEqual([]);
      for (const byName of Object.values(resources(doc))) checked += Object.keys(byName).length;
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('aliases a provider per cloud, reads secrets from the environment, never writes them', () => {
    const doc = docs.get('cloud-provincial')!;
    const providers = (doc.provider as { openstack: Array<Record<string, unknown>> }).openstack;
    expect(providers).toEqual([
      expect.objectContaining({ alias: 'provincial', auth_url: 'https://keystone.provincial.cloud.gov.sn.cn:5000/v3', region: 'sx-provincial' }),
    ]);
    for (const d of docs.values()) {
      const text = JSON.stringify(d);
      expect(text).not.toMatch(/"password"|"token"|"application_credential_secret"/);
    }
    const drDoc = docs.get('dr-dc-xinchuang-yulin-dc')!;
    expect((drDoc.variable as Record<string, { sensitive?: boolean }>).replication_psk?.sensitive).toBe(true);
  });

  it('every tenant network is dual-stack and the extranet attachment is the provider network the hosting router advertises', () => {
    const r = resources(docs.get('cloud-provincial')!);
    const subnets = Object.entries(r.openstack_networking_subnet_v2!);
    const routed = ctx.topology.attached!.find((a) => a.pool === 'cloud/provincial/provider')!;
    expect(routed.device).toBe('dc.xinchuang-r1');
    expect(r.openstack_networking_subnet_v2!.extranet_v4!.cidr).toBe(routed.prefixes.ipv4);
    expect(r.openstack_networking_subnet_v2!.extranet_v6!.cidr).toBe(routed.prefixes.ipv6);
    const byNet = new Map<string, Set<number>>();
    for (const [, s] of subnets) {
      const net = String(s.network_id);
      byNet.set(net, (byNet.get(net) ?? new Set()).add(Number(s.ip_version)));
    }
    for (const [net, families] of byNet) expect([...families].sort(), net).toEqual([4, 6]);
    expect(byNet.size).toBe(1 + ctx.inventory.departments.departments.length);
  });

  it('tenant routers: no SNAT, a fixed gateway per family on the provider network that tenant_routes names as next hop of each tenant subnet', () => {
    let routers = 0;
    for (const [name, doc] of docs) {
      if (!name.startsWith('cloud-')) continue;
      const r = resources(doc);
      const subnets = r.openstack_networking_subnet_v2!;
      const ext = { ipv4: subnets.extranet_v4!, ipv6: subnets.extranet_v6! };
      const routes = (doc.output as Record<string, { value: Array<{ destination: string; next_hop: string; tenant: string }> }>).tenant_routes!.value;
      const seen = new Set<string>();
      for (const [id, router] of Object.entries(r.openstack_networking_router_v2!)) {
        routers++;
        expect(router.enable_snat, `${name} ${id}`).toBe(false);
        const fixed = router.external_fixed_ip as Array<{ subnet_id: string; ip_address: string }>;
        expect(fixed.map((f) => f.subnet_id)).toEqual(['${openstack_networking_subnet_v2.extranet_v4.id}', '${openstack_networking_subnet_v2.extranet_v6.id}']);
        // the tenant subnets on this router, through its interfaces
        const attached = Object.values(r.openstack_networking_router_interface_v2!)
          .filter((i) => i.router_id === `\${openstack_networking_router_v2.${id}.id}`)
          .map((i) => subnets[/^\$\{openstack_networking_subnet_v2\.(.+)\.id\}$/.exec(String(i.subnet_id))![1]!]!);
        expect(attached.map((x) => x.ip_version)).toEqual([4, 6]);
        for (const [k, fam] of (['ipv4', 'ipv6'] as const).entries()) {
          const gw = fixed[k]!.ip_address;
          expect(seen.has(gw), `${name}: ${gw} taken twice`).toBe(false);
          seen.add(gw);
          const provider = parsePrefix(String(ext[fam].cidr));
          const address = parseAddress(gw, fam);
          const pool = (ext[fam].allocation_pool as Array<{ start: string; end: string }>)[0]!;
          // in the lower half, after the hosting router's address and before Neutron's pool
          expect(address > parseAddress(String(ext[fam].gateway_ip), fam) && address < parseAddress(pool.start, fam), `${name} ${id} ${gw}`).toBe(true);
          expect(contains(subnet(provider, provider.length + 1, 0), parsePrefix(`${gw}/${fam === 'ipv4' ? 32 : 128}`))).toBe(true);
          expect(
            routes.filter((x) => x.destination === attached[k]!.cidr).map((x) => x.next_hop),
            `${name} ${attached[k]!.cidr}`,
          ).toEqual([gw]);
        }
      }
      expect(routes.length).toBe(2 * Object.keys(r.openstack_networking_router_v2!).length);
    }
    expect(routers).toBeGreaterThan(200);
  });

  it('security groups are default-deny and open nothing to 0.0.0.0/0 or ::/0', () => {
    for (const doc of docs.values()) {
      const r = resources(doc);
      for (const sg of Object.values(r.openstack_networking_secgroup_v2 ?? {})) expect(sg.delete_default_rules).toBe(true);
      for (const rule of Object.values(r.openstack_networking_secgroup_rule_v2 ?? {})) expect(['0.0.0.0/0', '::/0']).not.toContain(rule.remote_ip_prefix);
    }
  });

  it('DR stacks carry VPN site connections both ways per family and backup containers at the remote centre', () => {
    const r = resources(docs.get('dr-dc-xinchuang-yulin-dc')!);
    const conns = Object.values(r.openstack_vpnaas_site_connection_v2!);
    // 5 source clouds stand in the Xinchuang centre (provincial + 4 industry clouds with replicas)
    expect(conns.length % 4).toBe(0);
    expect(conns.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(r.openstack_objectstorage_container_v1 ?? {}).length).toBeGreaterThan(0);
    const same = resources(docs.get('dr-dc-xinchuang-info-centre')!);
    expect(same.openstack_objectstorage_container_v1).toBeUndefined();
  });

  it('uses a local backend under the state dir and pg when configured, with no connection string in the JSON', async () => {
    const local = (docs.get('cloud-xian')!.terraform as { backend: Record<string, unknown> }).backend;
    expect(local).toEqual({ local: { path: '../../../.stacks/tfstate/cloud-xian.tfstate' } });
    const state = (stateDir: string, outdir: string) =>
      synthToJson(
        cloudStacks(ctx, { backend: { kind: 'local', stateDir, outdir } }).filter((c) => c.name === 'cloud-xian'),
        ctx,
      ).then((d) => (d.get('cloud-xian')!.terraform as { backend: { local: { path: string } } }).backend.local.path);
    expect(await state('/var/lib/stacks', 'cdktf.out')).toBe('/var/lib/stacks/tfstate/cloud-xian.tfstate');
    expect(await state('state', 'out/x')).toBe('../../../../state/tfstate/cloud-xian.tfstate');
    const pgDocs = await synthToJson(
      cloudStacks(ctx, { backend: { kind: 'pg', schemaPrefix: 'stacks' } }).filter((c) => c.name === 'cloud-xian'),
      ctx,
    );
    const pg = (pgDocs.get('cloud-xian')!.terraform as { backend: Record<string, unknown> }).backend;
    expect(pg).toEqual({ pg: { schema_name: 'stacks_cloud_xian' } });
  });

  it('registry.json names clouds.yaml relative to the inventory folder: the same bytes wherever the inventory lies', async () => {
    const registryOf = (c: { inventory: Inventory; topology: Topology }) =>
      cloudStacks(c, { backend: { kind: 'local', stateDir: '.stacks', outdir: 'cdktf.out' } }).find((x) => x.name === 'clouds')!.files!(c).get(
        'registry.json',
      )!;
    const here = registryOf(ctx);
    expect(JSON.parse(here).file).toBe('clouds.yaml');
    const copy = await copyInventory();
    try {
      const inventory = await loadInventory(copy.dir);
      const there = registryOf({ inventory, topology: buildTopology(inventory) });
      expect(there).not.toContain(copy.dir);
      expect(there).toEqual(here);
    } finally {
      await copy.cleanup();
    }
  }, 120_000);
});
