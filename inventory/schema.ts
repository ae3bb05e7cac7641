/**
 * What a person may write in the inventory, as zod schemas. Structural checks live here; checks
 * across files (unknown parent, overlapping ledger entries) live in `validate.ts`.
 */
import { z } from 'zod';

/**
 * Text that reaches device configs (`description …` lines, hostnames' comments): no C0 control
 * character but tab, no DEL or C1 (U+0080–U+009F, U+0085 NEL among them), no U+2028/U+2029. A
 * line-splitting push tool would read what follows one of them as a second command.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;
export function controlCharacterIn(text: string): string | undefined {
  const m = CONTROL.exec(text);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}
const safeText = z.string().superRefine((value, ctx) => {
  const bad = controlCharacterIn(value);
  if (bad) ctx.addIssue({ code: 'custom', message: `contains the control character ${bad}; names and descriptions are one line of printable text` });
});
const displayName = safeText.pipe(z.string().min(1));

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');
const level = z.enum(['province', 'city', 'county', 'township', 'department', 'datacenter']);
const legacyNetwork = z.enum(['guowang', 'shengwang']);
const bandwidth = z.number().int().positive();
const prefixLength = (max: number) => z.number().int().min(0).max(max);

export const divisionsSchema = z.object({
  province: z.object({ id, name: displayName }),
  note: safeText.optional(),
  totals: z.object({ cities: z.number().int(), counties: z.number().int(), townships: z.number().int() }).optional(),
  cities: z
    .array(
      z.object({
        id,
        name: displayName,
        counties: z.array(z.object({ id, name: displayName, townships: z.number().int().min(0).max(4096) })).min(1),
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

/** What the plan requires of a tier (三(一)1): at least this many links at at least this rate. */
export const planTierSchema = z.object({
  parent: level,
  child: level,
  links: z.number().int().min(1).max(8),
  bandwidth_mbps: bandwidth,
  /** The plan's own words, quoted in a policy finding. */
  wording: safeText,
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

export const provinceSchema = z.object({
  province: z.object({
    id,
    name: displayName,
    /** The province's government DNS domain, e.g. gov.sn.cn: Kubernetes label keys, registry.<suffix>. */
    dns_suffix: z
      .string()
      .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS domain such as gov.sn.cn')
      .optional(),
  }),
  files: z.object({
    divisions: z.string(),
    departments: z.string(),
    legacy: z.string(),
    private_networks: z.string(),
    ledger: z.string(),
    datacenters: z.string().optional(),
    clouds: z.string().optional(),
    systems: z.string().optional(),
    /** The plan's indicator targets (Table 1), read by `stacks kpi`. */
    plan_indicators: z.string().optional(),
    /** Which merge-plan steps are done, read by synth, plan and kpi (absent: nothing merged yet). */
    merge_status: z.string().optional(),
  }),
  tiers: z.array(tierSchema).min(1),
  /** The plan's tier table, the one place its figures live: NET-004 and KPI 4 check against it. */
  plan_tiers: z.array(planTierSchema).default([]),
  ipam: z.object({ ipv4: familyPlan(32), ipv6: familyPlan(128) }),
  internet_exit: z.object({
    bandwidth_mbps: bandwidth,
    /** Documentation addresses standing for "the internet" beyond the exit (lab and verification). */
    upstream: z.object({ ipv4: z.string(), ipv6: z.string() }),
  }),
});
export type ProvinceFile = z.infer<typeof provinceSchema>;

export const departmentsSchema = z.object({
  departments: z.array(
    z.object({
      id,
      name: displayName,
      name_en: safeText.optional(),
      legacy: z.array(legacyNetwork).default([]),
    }),
  ),
});
export type DepartmentsFile = z.infer<typeof departmentsSchema>;

export const datacentersSchema = z.object({
  datacenters: z.array(
    z.object({
      id,
      name: displayName,
      /** production | same-city-dr | remote-dr | remote-dr-alternative */
      role: z.enum(['production', 'same-city-dr', 'remote-dr', 'remote-dr-alternative']),
      parent: id,
      city: id,
    }),
  ),
});
export type DatacentersFile = z.infer<typeof datacentersSchema>;

export const legacySchema = z.object({
  networks: z.record(legacyNetwork, z.object({ name: safeText, supernet_ipv4: z.string() })),
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
      name: displayName,
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
