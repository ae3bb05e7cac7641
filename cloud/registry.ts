/**
 * The registry of all clouds (the multi-cloud manager's view): clouds.yaml joined with the
 * inventory (centres, cities, departments) and the topology (each cloud's extranet attachment
 * takes the LAN prefixes of the site it stands in). Pure.
 */
import type { Inventory } from '../inventory/load.js';
import { siteIds } from '../inventory/load.js';
import { inputError } from '../lib/errors.js';
import { formatPrefix, parsePrefix, subnet, PrefixError } from '../lib/ip.js';
import type { DualStack, Topology } from '../network/types.js';
import { tenantDepartments, type LoadedClouds } from './load.js';
import type { CloudsFile, CloudSpec, SecurityRuleSpec } from './schema.js';
import type { Centre, Cloud, CloudRegistry, CloudSite, ProtectionClass, Resources, SecurityRule, Tenant } from './types.js';

/** Each cloud gets a /17 (IPv4) and a /40 (IPv6) of the tenant pools, in clouds.yaml order. */
const CLOUD_SLICE = { ipv4: 17, ipv6: 40 } as const;
const TENANT_SUBNET = { ipv4: 24, ipv6: 64 } as const;

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
  if (!site) throw inputError('E_CLOUDS', file, `${at}.${c.centre ? 'centre' : 'city'}`, `site "${location.site}" is not in the topology`, 'is the centre or city in the inventory?');
  const capacity: Resources = { vcpu: 0, ramGiB: 0, storageTiB: 0 };
  const availabilityZones = c.availability_zones.map((az) => {
    capacity.vcpu += az.vcpu;
    capacity.ramGiB += az.ram_gib;
    capacity.storageTiB += az.storage_tib;
    return { name: az.name, vcpu: az.vcpu, ramGiB: az.ram_gib, storageTiB: az.storage_tib };
  });
  const slices = sliceOf(spec, index, file);
  const rules = [...spec.defaults.security_rules, ...c.tenants.security_rules].map((r) => toRule(r, spec, topology));
  const tenants: Tenant[] = tenantDepartments(inv, spec, c).map((department, j) => {
    const q = c.tenants.overrides[department] ?? c.tenants.quota;
    return {
      department,
      project: `${c.id}-${department}`,
      quota: { vcpu: q.vcpu, ramGiB: q.ram_gib, storageTiB: q.storage_tib },
      subnets: tenantSubnets(slices, j, file, `${at}.tenants`),
      dnsZone: `${department}.${c.id}.${spec.defaults.dns_suffix}.`,
      securityRules: rules,
    };
  });
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
      subnets: { ipv4: site.lan.ipv4, ipv6: site.lan.ipv6 },
    },
    onExtranet: true,
    tenants,
  };
}

function sliceOf(spec: CloudsFile, index: number, file: string): DualStack<ReturnType<typeof parsePrefix>> {
  try {
    return {
      ipv4: subnet(parsePrefix(spec.defaults.tenant_pools.ipv4), CLOUD_SLICE.ipv4, index),
      ipv6: subnet(parsePrefix(spec.defaults.tenant_pools.ipv6), CLOUD_SLICE.ipv6, index),
    };
  } catch (e) {
    if (e instanceof PrefixError) throw inputError('E_CLOUDS', file, 'defaults.tenant_pools', `too small for ${index + 1} clouds: ${e.message}`, `each cloud takes a /${CLOUD_SLICE.ipv4} and a /${CLOUD_SLICE.ipv6}`);
    throw e;
  }
}

function tenantSubnets(slices: DualStack<ReturnType<typeof parsePrefix>>, j: number, file: string, path: string): DualStack {
  try {
    return { ipv4: formatPrefix(subnet(slices.ipv4, TENANT_SUBNET.ipv4, j)), ipv6: formatPrefix(subnet(slices.ipv6, TENANT_SUBNET.ipv6, j)) };
  } catch (e) {
    if (e instanceof PrefixError) throw inputError('E_CLOUDS', file, path, `more tenants than one cloud's slice holds: ${e.message}`);
    throw e;
  }
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

/** Clouds by id, for look-ups in hot loops. */
export function cloudIndex(reg: CloudRegistry): Map<string, Cloud> {
  return new Map(reg.clouds.map((c) => [c.id, c]));
}
