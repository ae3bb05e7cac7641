/**
 * What a person may write in the inventory, as zod schemas. Structural checks live here; checks
 * across files (unknown parent, overlapping ledger entries) live in `validate.ts`.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');
const level = z.enum(['province', 'city', 'county', 'township', 'department', 'datacenter']);
const legacyNetwork = z.enum(['guowang', 'shengwang']);
const bandwidth = z.number().int().positive();
const prefixLength = (max: number) => z.number().int().min(0).max(max);

export const divisionsSchema = z.object({
  province: z.object({ id, name: z.string().min(1) }),
  note: z.string().optional(),
  totals: z.object({ cities: z.number().int(), counties: z.number().int(), townships: z.number().int() }).optional(),
  cities: z
    .array(
      z.object({
        id,
        name: z.string().min(1),
        counties: z.array(z.object({ id, name: z.string().min(1), townships: z.number().int().min(0).max(4096) })).min(1),
      }),
    )
    .min(1),
});
export type DivisionsFile = z.infer<typeof divisionsSchema>;

export const tierSchema = z.object({
  id,
  parent: level,
  child: level,
  links: z.number().int().min(1).max(8),
  bandwidth_mbps: bandwidth,
});

const familyPlan = (maxLen: number) =>
  z.object({
    supernet: z.string(),
    /** Prefix length of the block each site of a level receives from its parent's block. */
    block: z.object({
      province: prefixLength(maxLen),
      city: prefixLength(maxLen),
      county: prefixLength(maxLen),
      township: prefixLength(maxLen),
      department: prefixLength(maxLen),
      datacenter: prefixLength(maxLen),
    }),
    /** Prefix length of each site's own infrastructure block (LAN, loopbacks, p2p). */
    infra: prefixLength(maxLen),
  });

const faultKind = z.enum(['device-unreachable', 'link-down', 'platform-down', 'security']);

/** How the NOC counts faults (province.yaml `monitoring`): see the comments in inventory/province.yaml. */
export const monitoringPolicySchema = z.object({
  faults: z.object({
    debounce: z.object({ open_after_s: z.number().nonnegative(), clear_after_s: z.number().nonnegative() }),
    flapping: z.object({ changes: z.number().int().min(2), within_minutes: z.number().positive() }),
    auto_resolving: z.array(faultKind),
    at_risk_hours: z.number().positive(),
    causes: z.array(z.string().min(1)).min(1),
  }),
  uptime: z.object({ min_coverage: z.number().min(0).max(1) }),
});
export type MonitoringPolicyFile = z.infer<typeof monitoringPolicySchema>;

export const provinceSchema = z.object({
  province: z.object({ id, name: z.string().min(1) }),
  files: z.object({
    divisions: z.string(),
    departments: z.string(),
    legacy: z.string(),
    private_networks: z.string(),
    ledger: z.string(),
    datacenters: z.string().optional(),
    clouds: z.string().optional(),
    systems: z.string().optional(),
  }),
  tiers: z.array(tierSchema).min(1),
  ipam: z.object({ ipv4: familyPlan(32), ipv6: familyPlan(128) }),
  internet_exit: z.object({
    bandwidth_mbps: bandwidth,
    /** Documentation addresses standing for "the internet" beyond the exit (lab and verification). */
    upstream: z.object({ ipv4: z.string(), ipv6: z.string() }),
  }),
  monitoring: monitoringPolicySchema.optional(),
});
export type ProvinceFile = z.infer<typeof provinceSchema>;

export const departmentsSchema = z.object({
  departments: z.array(
    z.object({
      id,
      name: z.string().min(1),
      name_en: z.string().optional(),
      legacy: z.array(legacyNetwork).default([]),
    }),
  ),
});
export type DepartmentsFile = z.infer<typeof departmentsSchema>;

export const datacentersSchema = z.object({
  datacenters: z.array(
    z.object({
      id,
      name: z.string().min(1),
      /** production | same-city-dr | remote-dr | remote-dr-alternative */
      role: z.enum(['production', 'same-city-dr', 'remote-dr', 'remote-dr-alternative']),
      parent: id,
      city: id,
    }),
  ),
});
export type DatacentersFile = z.infer<typeof datacentersSchema>;

export const legacySchema = z.object({
  networks: z.record(legacyNetwork, z.object({ name: z.string(), supernet_ipv4: z.string() })),
  /** Membership by level; a site listed under `sites` overrides its level's default. */
  defaults: z.record(level, z.array(legacyNetwork)),
  sites: z
    .record(
      z.string(),
      z.object({
        networks: z.array(legacyNetwork).optional(),
        lan_ipv4: z.string().optional(),
        loopback_ipv4: z.string().optional(),
      }),
    )
    .default({}),
});
export type LegacyFile = z.infer<typeof legacySchema>;

export const privateNetworksSchema = z.object({
  private_networks: z.array(
    z.object({
      id,
      name: z.string().min(1),
      department: id,
      /** Classified (涉密) networks go to the intranet, never the extranet. */
      classified: z.boolean(),
      /** The lowest level the network reaches (province only, or down to county/township). */
      reaches: level,
      status: z.enum(['separate', 'interconnected', 'migrating', 'merged']),
      /** Present when a person has set a target by hand; it is checked against the rule. */
      target: z.enum(['extranet', 'intranet']).optional(),
    }),
  ),
});
export type PrivateNetworksFile = z.infer<typeof privateNetworksSchema>;

export const ledgerSchema = z.object({
  version: z.literal(1),
  /** site id → its block per family; synth appends new sites, never moves existing ones. */
  allocations: z.record(z.string(), z.object({ ipv4: z.string(), ipv6: z.string() })).default({}),
});
export type LedgerFile = z.infer<typeof ledgerSchema>;
