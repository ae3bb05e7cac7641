/**
 * What a person may write in `clouds.yaml` (the 1+11+N clouds, their tenants and quotas, and the
 * DR protection classes), as zod schemas. Structure only; references to centres, cities and
 * departments and the capacity arithmetic are checked in `load.ts`, which names file and path.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');
const count = z.number().nonnegative();

const resourcesSchema = z.strictObject({
  vcpu: count,
  ram_gib: count,
  storage_tib: count,
  /** Floating IPs the tenant may take from its cloud's provider network; default: one per service it publishes. */
  floating_ips: z.number().int().nonnegative().optional(),
});

const securityRuleSchema = z.strictObject({
  name: id,
  direction: z.enum(['ingress', 'egress']),
  protocol: z.enum(['tcp', 'udp', 'icmp', 'any']),
  /** A single port or an inclusive range `[min, max]`; absent for icmp/any. */
  port: z.union([z.number().int().min(1).max(65535), z.tuple([z.number().int().min(1), z.number().int().max(65535)])]).optional(),
  /**
   * Who may talk: `extranet` (the extranet supernets), `ops` (the NOC prefixes), `any` (the whole
   * internet: allowed only with `public: true`, a declared public service), or explicit prefixes.
   */
  remote: z.union([z.enum(['extranet', 'ops', 'any']), z.array(z.string()).min(1)]),
  public: z.boolean().optional(),
});
export type SecurityRuleSpec = z.infer<typeof securityRuleSchema>;

const dualPrefixes = z.strictObject({ ipv4: z.string(), ipv6: z.string() });
const dualLengths = z.strictObject({ ipv4: z.number().int().min(8).max(32), ipv6: z.number().int().min(16).max(128) });

/**
 * Prefix lengths of each cloud's address pools, allocated from the province IPAM (inventory ledger,
 * `pools`): the routed provider network (gateway on the hosting router; its lower half holds a fixed
 * router-gateway slot per tenant subnet the aggregate can hold, then Neutron's floating-IP pool; the
 * load balancers' VIPs in its upper half),
 * the tenant aggregate, and each tenant's subnet inside it.
 */
const poolLengthsSchema = z.strictObject({
  provider: dualLengths,
  tenants: dualLengths,
  tenant_subnet: dualLengths,
});

/**
 * A government service a tenant publishes to the extranet: an Octavia load balancer per family on
 * the cloud's provider network (its VIP is what townships use), a listener, a pool of `members`
 * servers on the tenant network and a health monitor.
 */
const serviceSchema = z.strictObject({
  name: id,
  /** The publishing tenant (a department id among the cloud's tenants). */
  tenant: id,
  protocol: z.enum(['HTTP', 'HTTPS', 'TCP']),
  port: z.number().int().min(1).max(65535),
  /** The members' port (default: `port`). */
  member_port: z.number().int().min(1).max(65535).optional(),
  members: z.number().int().min(1).max(64).default(2),
  /** Health check path for HTTP(S) services. */
  health_path: z.string().startsWith('/').default('/'),
});

const tenantsSchema = z.strictObject({
  /** `*`: every province department (provincial, DR pools) or every city bureau (city clouds). */
  departments: z.union([z.literal('*'), z.array(id).min(1)]),
  quota: resourcesSchema,
  overrides: z.record(z.string(), resourcesSchema).default({}),
  /** Extra rules for these tenants, on top of `defaults.security_rules`. */
  security_rules: z.array(securityRuleSchema).default([]),
});

const cloudSchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    kind: z.enum(['provincial', 'city', 'industry', 'dr']),
    /** The data centre (datacenters.yaml id) the cloud stands in … */
    centre: id.optional(),
    /** … or the city (divisions id) whose site hosts it. */
    city: id.optional(),
    industry: id.optional(),
    region: z.string().min(1),
    keystone: z.url({ protocol: /^https?$/ }),
    /** Registered in the province's multi-cloud manager (indicator 7). */
    managed: z.boolean(),
    extranet: z.strictObject({
      physical_network: z.string().min(1),
      network_type: z.enum(['flat', 'vlan', 'vxlan']),
      segmentation_id: z.number().int().min(1).max(16777215).optional(),
    }),
    availability_zones: z.array(z.strictObject({ name: z.string().min(1), vcpu: count, ram_gib: count, storage_tib: count })).min(1),
    tenants: tenantsSchema,
    /** Published government services (each behind a load balancer whose VIP the extranet reaches). */
    services: z.array(serviceSchema).default([]),
    /** This cloud's pool lengths, when they differ from `defaults.pools`. */
    pools: poolLengthsSchema.optional(),
  })
  .refine((c) => (c.centre === undefined) !== (c.city === undefined), { message: 'a cloud names exactly one of `centre` or `city`' })
  .refine((c) => (c.kind === 'industry') === (c.industry !== undefined), {
    message: 'industry clouds (and only they) name their `industry`',
    path: ['industry'],
  });
export type CloudSpec = z.infer<typeof cloudSchema>;

const replicaModeSchema = z.enum(['sync', 'async', 'backup']);
export type ReplicaMode = z.infer<typeof replicaModeSchema>;
const centreRoleSchema = z.enum(['production', 'same-city-dr', 'remote-dr', 'remote-dr-alternative']);
export type CentreRole = z.infer<typeof centreRoleSchema>;

const protectionClassSchema = z.strictObject({
  id,
  name: z.string().min(1),
  /** GB/T 20988-2007 disaster recovery capability level, 1 (basic) … 6 (zero data loss). */
  gbt20988_level: z.number().int().min(1).max(6),
  rpo_s: z.number().int().nonnegative(),
  rto_s: z.number().int().positive(),
  /** Share of a system's stored data that changes per day, when the system does not say. */
  change_rate_pct_per_day: z.number().nonnegative().max(100),
  /** Peak-to-average ratio of the change rate: what the link must carry for sync/async replicas. */
  peak_factor: z.number().min(1),
  replicas: z.array(z.strictObject({ role: centreRoleSchema, mode: replicaModeSchema })).min(1),
});

export const cloudsFileSchema = z.strictObject({
  defaults: z.strictObject({
    dns_suffix: z.string().min(1),
    /** Pool lengths every cloud gets from the province IPAM. */
    pools: poolLengthsSchema,
    /**
     * An explicit range to carve tenant pools from instead of the province plan (a cloud estate that
     * brings its own addressing). The policies reject it where it overlaps anything routed.
     */
    tenant_pools: dualPrefixes.optional(),
    city_departments: z.array(id).min(1),
    security_rules: z.array(securityRuleSchema).default([]),
    ops_prefixes: z.strictObject({ ipv4: z.array(z.string()), ipv6: z.array(z.string()) }),
  }),
  clouds: z.array(cloudSchema).min(1),
  dr: z.strictObject({
    /** Share of a backbone link's bandwidth replication may take. */
    max_link_share: z.number().gt(0).max(1),
    backup_window_h: z.number().positive().max(24),
    replication_pool: dualPrefixes,
    classes: z.array(protectionClassSchema).min(1),
  }),
});
export type CloudsFile = z.infer<typeof cloudsFileSchema>;
