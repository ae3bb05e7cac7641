/**
 * What the clouds ask of the province IPAM (clouds.yaml → pool requests): per cloud a routed
 * provider network, a tenant aggregate with one subnet per tenant, and a VIP per published service
 * from the provider network's upper half; plus which of those the hosting site's router carries
 * into OSPF (the provider network and the tenant aggregate, both families) and who must reach
 * each service. Pure; the allocation itself is network/pools.ts.
 */
import type { Inventory } from '../inventory/load.js';
import { siteIds } from '../inventory/load.js';
import { NO_ATTACHMENTS, type AttachedNetworkRequest, type AttachmentRequests, type PoolRequest, type ServiceRequest } from '../network/pools.js';
import { loadClouds, tenantDepartments } from './load.js';
import type { CloudSpec } from './schema.js';

export const poolIds = {
  provider: (cloud: string) => `cloud/${cloud}/provider`,
  tenants: (cloud: string) => `cloud/${cloud}/tenants`,
  tenant: (cloud: string, department: string) => `cloud/${cloud}/tenant/${department}`,
  vips: (cloud: string) => `cloud/${cloud}/vips`,
  vip: (cloud: string, service: string) => `cloud/${cloud}/vip/${service}`,
};

/** The topology site a cloud stands at: its data centre's, else its city's. */
function hostSite(c: Pick<CloudSpec, 'centre' | 'city'>): string {
  return c.centre !== undefined ? siteIds.datacenter(c.centre) : siteIds.city(c.city!);
}

const cache = new WeakMap<Inventory, AttachmentRequests>();

export function cloudAttachments(inv: Inventory): AttachmentRequests {
  let hit = cache.get(inv);
  if (!hit) {
    hit = attachmentsOf(inv);
    cache.set(inv, hit);
  }
  return hit;
}

function attachmentsOf(inv: Inventory): AttachmentRequests {
  const loaded = loadClouds(inv);
  if (!loaded) return NO_ATTACHMENTS;
  const { spec, file } = loaded;
  const pools: PoolRequest[] = [];
  const networks: AttachedNetworkRequest[] = [];
  const services: ServiceRequest[] = [];
  const perSite = new Map<string, number>();
  const cityOfCentre = new Map(inv.datacenters.datacenters.map((d) => [d.id, d.city]));
  spec.clouds.forEach((c, i) => {
    const at = `clouds[${i}]`;
    const lengths = c.pools ?? spec.defaults.pools;
    const lengthsAt = c.pools ? `${at}.pools` : 'defaults.pools';
    const site = hostSite(c);
    const k = perSite.get(site) ?? 0;
    perSite.set(site, k + 1);
    pools.push({ id: poolIds.provider(c.id), parent: { kind: 'province' }, lengths: lengths.provider, file, path: `${lengthsAt}.provider` });
    const explicit = spec.defaults.tenant_pools;
    pools.push({
      id: poolIds.tenants(c.id),
      parent: explicit ? { kind: 'range', prefixes: explicit, file, path: 'defaults.tenant_pools' } : { kind: 'province' },
      lengths: lengths.tenants,
      file,
      path: `${lengthsAt}.tenants`,
    });
    for (const d of tenantDepartments(inv, spec, c))
      pools.push({
        id: poolIds.tenant(c.id, d),
        parent: { kind: 'pool', id: poolIds.tenants(c.id) },
        lengths: lengths.tenant_subnet,
        file,
        path: `${at}.tenants`,
      });
    networks.push(
      {
        pool: poolIds.provider(c.id),
        site,
        owner: `cloud:${c.id}`,
        role: 'provider',
        interface: `cl${k}p`,
        description: `cloud ${c.id} provider network (service VIPs, router gateways, floating IPs)`,
      },
      {
        pool: poolIds.tenants(c.id),
        site,
        owner: `cloud:${c.id}`,
        role: 'tenants',
        interface: `cl${k}t`,
        description: `cloud ${c.id} tenant networks (routed, no SNAT)`,
      },
    );
    if (c.services.length === 0) return;
    const half = { ipv4: lengths.provider.ipv4 + 1, ipv6: lengths.provider.ipv6 + 1 };
    pools.push({ id: poolIds.vips(c.id), parent: { kind: 'pool', id: poolIds.provider(c.id) }, lengths: half, skipFirst: half, file, path: `${at}.services` });
    const city = c.city ?? cityOfCentre.get(c.centre ?? '') ?? '';
    c.services.forEach((s, j) => {
      pools.push({
        id: poolIds.vip(c.id, s.name),
        parent: { kind: 'pool', id: poolIds.vips(c.id) },
        lengths: { ipv4: 32, ipv6: 128 },
        file,
        path: `${at}.services[${j}]`,
      });
      services.push({
        id: `${c.id}/${s.name}`,
        owner: `cloud:${c.id}`,
        cloudKind: c.kind,
        name: s.name,
        protocol: s.protocol,
        port: s.port,
        vip: poolIds.vip(c.id, s.name),
        site,
        audience: c.kind === 'city' ? { kind: 'city', city } : { kind: 'province' },
      });
    });
  });
  return { pools, networks, services };
}
