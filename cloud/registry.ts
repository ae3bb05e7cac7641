/**
 * The registry of all clouds (the multi-cloud manager's view): clouds.yaml joined with the
 * inventory (centres, cities, departments) and the topology (each cloud's extranet attachment
 * takes the LAN prefixes of the site it stands in). Pure.
 */
import type { Inventory } from '../inventory/load.js';
import { siteIds } from '../inventory/load.js';
import { inputError } from '../lib/errors.js';
import { formatAddress, formatPrefix, hostIn, parsePrefix, size, type Prefix } from '../lib/ip.js';
import { FAMILIES, type DualStack, type Topology } from '../network/types.js';
import { tenantDepartments, type LoadedClouds } from './load.js';
import { poolIds } from './pools.js';
import type { CloudsFile, CloudSpec, SecurityRuleSpec } from './schema.js';
import type { Centre, Cloud, CloudRegistry, CloudService, CloudSite, ProtectionClass, Resources, SecurityRule, Tenant } from './types.js';

/** Member servers of a service start at this offset in the tenant subnet (the first hosts are Neutron's). */
const FIRST_MEMBER = 10;
/** Tenant routers' gateway slots on the provider network start after its gateway (the hosting router, the first host). */
const FIRST_ROUTER_GATEWAY = 2n;

export function buildRegistry(inv: Inventory, topology: Topology, loaded: LoadedClouds): CloudRegistry {
  const { spec, file } = loaded;
  const centres: Centre[] = inv.datacenters.datacenters.map((d) => ({ id: d.id, name: d.name, role: d.role, site: siteIds.datacenter(d.id), city: d.city }));
  const sites = new Map(topology.sites.map((s) => [s.id, s]));
  const clouds = spec.clouds.map((c, i) => buildCloud(inv, spec, c, i, centres, sites, topology, file));
  return {
    clouds,
    classes: spec.dr.classes.map(toClass),
    centres,
    dr: { maxLinkShare: spec.dr.max_link_share, backupWindowH: spec.dr.backup_window_h, replicationPool: { ...spec.dr.replication_pool } },
    dnsSuffix: spec.defaults.dns_suffix,
    extranetSupernets: { ...topology.supernets },
    file,
  };
}

function buildCloud(
  inv: Inventory,
  spec: CloudsFile,
  c: CloudSpec,
  index: number,
  centres: Centre[],
  sites: Map<string, Topology['sites'][number]>,
  topology: Topology,
  file: string,
): Cloud {
  const at = `clouds[${index}]`;
  const centre = c.centre === undefined ? undefined : centres.find((x) => x.id === c.centre);
  const location: CloudSite = centre
    ? { site: centre.site, centre: centre.id, role: centre.role, city: centre.city }
    : { site: siteIds.city(c.city!), city: c.city! };
  const site = sites.get(location.site);
  if (!site)
    throw inputError(
      'E_CLOUDS',
      file,
      `${at}.${c.centre ? 'centre' : 'city'}`,
      `site "${location.site}" is not in the topology`,
      'is the centre or city in the inventory?',
    );
  const capacity: Resources = { vcpu: 0, ramGiB: 0, storageTiB: 0 };
  const availabilityZones = c.availability_zones.map((az) => {
    capacity.vcpu += az.vcpu;
    capacity.ramGiB += az.ram_gib;
    capacity.storageTiB += az.storage_tib;
    return { name: az.name, vcpu: az.vcpu, ramGiB: az.ram_gib, storageTiB: az.storage_tib };
  });
  const pool = (id: string): DualStack<Prefix> => {
    const p = topology.pools?.[id];
    if (!p)
      throw inputError('E_CLOUDS', file, at, `the IPAM has no pool ${id}`, "build the topology from this inventory (its IPAM allocates the clouds' pools)");
    return { ipv4: parsePrefix(p.ipv4), ipv6: parsePrefix(p.ipv6) };
  };
  const text = (p: DualStack<Prefix>): DualStack => ({ ipv4: formatPrefix(p.ipv4), ipv6: formatPrefix(p.ipv6) });
  const rules = [...spec.defaults.security_rules, ...c.tenants.security_rules].map((r) => toRule(r, spec, topology));
  const published = new Map<string, number>();
  for (const svc of c.services) published.set(svc.tenant, (published.get(svc.tenant) ?? 0) + 1);
  const provider = pool(poolIds.provider(c.id));
  const aggregate = pool(poolIds.tenants(c.id));
  const lengths = c.pools ?? spec.defaults.pools;
  // One router gateway slot per tenant subnet the aggregate can hold, right after the hosting
  // router's address: a tenant's slot is its subnet's place in the aggregate (a ledger entry, so
  // the address never moves), and the backbone's route to the subnet points at it.
  const slots = {
    ipv4: 1n << BigInt(lengths.tenant_subnet.ipv4 - lengths.tenants.ipv4),
    ipv6: 1n << BigInt(lengths.tenant_subnet.ipv6 - lengths.tenants.ipv6),
  };
  const tenants: Tenant[] = tenantDepartments(inv, spec, c).map((department) => {
    const q = c.tenants.overrides[department] ?? c.tenants.quota;
    const subnet = pool(poolIds.tenant(c.id, department));
    const routerGateway = {} as DualStack;
    for (const fam of FAMILIES) {
      const slot = (subnet[fam].network - aggregate[fam].network) >> BigInt((fam === 'ipv4' ? 32 : 128) - subnet[fam].length);
      routerGateway[fam] = formatAddress(fam, provider[fam].network + FIRST_ROUTER_GATEWAY + slot);
    }
    return {
      department,
      project: `${c.id}-${department}`,
      quota: { vcpu: q.vcpu, ramGiB: q.ram_gib, storageTiB: q.storage_tib },
      floatingIps: q.floating_ips ?? published.get(department) ?? 0,
      securityRules: [...rules, ...memberRules(c, department, pool(poolIds.tenant(c.id, department)))],
      subnets: text(subnet),
      routerGateway,
      dnsZone: `${department}.${c.id}.${spec.defaults.dns_suffix}.`,
    };
  });
  const services: CloudService[] = c.services.map((svc) => {
    const subnets = pool(poolIds.tenant(c.id, svc.tenant));
    const vip = pool(poolIds.vip(c.id, svc.name));
    const members = (fam: 'ipv4' | 'ipv6') => Array.from({ length: svc.members }, (_, k) => hostIn(subnets[fam], FIRST_MEMBER + k));
    return {
      name: svc.name,
      tenant: svc.tenant,
      protocol: svc.protocol,
      port: svc.port,
      memberPort: svc.member_port ?? svc.port,
      members: { ipv4: members('ipv4'), ipv6: members('ipv6') },
      healthPath: svc.health_path,
      vip: { ipv4: formatAddress('ipv4', vip.ipv4.network), ipv6: formatAddress('ipv6', vip.ipv6.network) },
    };
  });
  const gateway = { ipv4: hostIn(provider.ipv4, 1), ipv6: hostIn(provider.ipv6, 1) };
  const allocation = {} as DualStack<{ start: string; end: string }>;
  for (const fam of FAMILIES) {
    // Lower half, after the gateway and the tenant routers' slots (IPv4 also keeps clear of the
    // network address). CLD-008 fails a provider network too small to leave room here.
    const p = provider[fam];
    allocation[fam] = { start: formatAddress(fam, p.network + FIRST_ROUTER_GATEWAY + slots[fam]), end: formatAddress(fam, p.network + size(p) / 2n - 1n) };
  }
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    industry: c.industry,
    region: c.region,
    keystone: c.keystone,
    managed: c.managed,
    location,
    availabilityZones,
    capacity,
    extranet: {
      physicalNetwork: c.extranet.physical_network,
      networkType: c.extranet.network_type,
      segmentationId: c.extranet.segmentation_id,
      subnets: text(provider),
      gateway,
      allocation,
    },
    tenantPool: text(pool(poolIds.tenants(c.id))),
    services,
    onExtranet: true,
    tenants,
  };
}

function toRule(r: SecurityRuleSpec, spec: CloudsFile, topology: Topology): SecurityRule {
  const remotePrefixes =
    r.remote === 'extranet'
      ? [topology.supernets.ipv4, topology.supernets.ipv6]
      : r.remote === 'ops'
        ? [...spec.defaults.ops_prefixes.ipv4, ...spec.defaults.ops_prefixes.ipv6]
        : r.remote === 'any'
          ? ['0.0.0.0/0', '::/0']
          : [...r.remote];
  const [portMin, portMax] = r.port === undefined ? [undefined, undefined] : Array.isArray(r.port) ? r.port : [r.port, r.port];
  return { name: r.name, direction: r.direction, protocol: r.protocol, portMin, portMax, remotePrefixes, public: r.public ?? false };
}

/**
 * The load balancer reaches its members from its own port on the tenant subnet: each service the
 * tenant publishes opens its member port to that subnet (both families).
 */
function memberRules(c: CloudSpec, department: string, subnets: DualStack<Prefix>): SecurityRule[] {
  return c.services
    .filter((svc) => svc.tenant === department)
    .map((svc) => ({
      name: `lb-${svc.name}`,
      direction: 'ingress' as const,
      protocol: 'tcp' as const,
      portMin: svc.member_port ?? svc.port,
      portMax: svc.member_port ?? svc.port,
      remotePrefixes: [formatPrefix(subnets.ipv4), formatPrefix(subnets.ipv6)],
      public: false,
    }));
}

function toClass(c: CloudsFile['dr']['classes'][number]): ProtectionClass {
  return {
    id: c.id,
    name: c.name,
    level: c.gbt20988_level,
    rpoS: c.rpo_s,
    rtoS: c.rto_s,
    changeRatePctPerDay: c.change_rate_pct_per_day,
    peakFactor: c.peak_factor,
    replicas: c.replicas.map((r) => ({ ...r })),
  };
}
