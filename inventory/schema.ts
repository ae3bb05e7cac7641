/**
 * What a person may write in the inventory, as zod schemas: strict objects, so an unknown key (a
 * typo such as `legasy:`) is an error naming its path instead of data silently dropped. Structural checks live here; checks
 * across files (unknown parent, overlapping ledger entries) live in `validate.ts`.
 */
import { z } from 'zod';

export { managementSchema, type ManagementFile } from './management-schema.js';

/**
 * Text that reaches device configs (`description …` lines, hostnames' comments): no C0 control
 * character but tab, no DEL or C1 (U+0080–U+009F, U+0085 NEL among them), no U+2028/U+2029. A
 * line-splitting push tool would read what follows one of them as a second command.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/u;
function controlCharacterIn(text: string): string | undefined {
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

export const divisionsSchema = z.strictObject({
  province: z.strictObject({ id, name: displayName }),
  note: safeText.optional(),
  totals: z.strictObject({ cities: z.number().int(), counties: z.number().int(), townships: z.number().int() }).optional(),
  cities: z
    .array(
      z.strictObject({
        id,
        name: displayName,
        counties: z.array(z.strictObject({ id, name: displayName, townships: z.number().int().min(0).max(4096) })).min(1),
      }),
    )
    .min(1),
});
export type DivisionsFile = z.infer<typeof divisionsSchema>;

/**
 * BFD timers of one kind of link (RFC 5880): a neighbour is declared down after `multiplier`
 * missed packets at the negotiated interval, so detection ≈ max(min_rx, peer's min_tx) × multiplier.
 * VRP takes 3–1000 ms on most platforms and FRR bfdd 10–60000 ms; the bounds here are both's.
 */
const bfdTimersSchema = z.strictObject({
  min_tx_ms: z.number().int().min(10).max(1000),
  min_rx_ms: z.number().int().min(10).max(1000),
  multiplier: z.number().int().min(3).max(50),
});
export type BfdTimersFile = z.infer<typeof bfdTimersSchema>;

const tierSchema = z.strictObject({
  id,
  parent: level,
  child: level,
  links: z.number().int().min(1).max(8),
  bandwidth_mbps: bandwidth,
  /** BFD on this tier's links (absent: the tier's links get no BFD, which NET-122 reports). */
  bfd: bfdTimersSchema.optional(),
});

/**
 * OSPF authentication and BFD of the backbone links that are not in the tier table (inventory/
 * ospf-security.yaml). The algorithms are the strongest both dialects' targets share: FRR 8.4's
 * ospfd has only keyed MD5 for OSPFv2 (RFC 5709 HMAC-SHA came with ospfd's key-chain support in a
 * later FRR), VRP has MD5 too; OSPFv3 uses the RFC 7166 trailer with HMAC-SHA-256 in both.
 */
export const ospfSecuritySchema = z.strictObject({
  authentication: z.strictObject({
    ospfv2: z.literal('md5'),
    ospfv3: z.literal('hmac-sha-256'),
  }),
  /** BFD timers of the links outside the tier table: a site's r1–r2 link and the exits' links to the cores. */
  bfd: z.strictObject({ peer: bfdTimersSchema, exit: bfdTimersSchema }),
});
export type OspfSecurityFile = z.infer<typeof ospfSecuritySchema>;

/** What the plan requires of a tier (三(一)1): at least this many links at at least this rate. */
const planTierSchema = z.strictObject({
  parent: level,
  child: level,
  links: z.number().int().min(1).max(8),
  bandwidth_mbps: bandwidth,
  /** The plan's own words, quoted in a policy finding. */
  wording: safeText,
});

const familyPlan = (maxLen: number) =>
  z.strictObject({
    supernet: z.string(),
    /** Prefix length of the block each site of a level receives from its parent's block. */
    block: z.strictObject({
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
const monitoringPolicySchema = z.strictObject({
  faults: z.strictObject({
    debounce: z.strictObject({ open_after_s: z.number().nonnegative(), clear_after_s: z.number().nonnegative() }),
    flapping: z.strictObject({ changes: z.number().int().min(2), within_minutes: z.number().positive() }),
    auto_resolving: z.array(faultKind),
    at_risk_hours: z.number().positive(),
    causes: z.array(z.string().min(1)).min(1),
    /** Upper bounds (seconds) of the fault-duration histogram `stacks_fault_duration_seconds`. */
    duration_buckets_s: z
      .array(z.number().positive())
      .min(1)
      .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), 'bounds must increase')
      .optional(),
  }),
  uptime: z.strictObject({ min_coverage: z.number().min(0).max(1) }),
});
export type MonitoringPolicyFile = z.infer<typeof monitoringPolicySchema>;

export const provinceSchema = z.strictObject({
  province: z.strictObject({
    id,
    name: displayName,
    /** The province's government DNS domain, e.g. gov.sn.cn: Kubernetes label keys, registry.<suffix>. */
    dns_suffix: z
      .string()
      .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, 'a DNS domain such as gov.sn.cn')
      .optional(),
  }),
  files: z.strictObject({
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
    /** OSPF authentication algorithms and the BFD timers of links outside the tier table. */
    ospf_security: z.string().optional(),
    /** The internet exit's NAT ranges and declared public services (absent: no NAT, inbound default-deny only). */
    exit_policy: z.string().optional(),
    /** VRRP settings of the LANs two routers serve (absent: the built-in defaults). */
    first_hop: z.string().optional(),
    /** The DSCP class table of the tiered circuits (absent: no QoS policy). */
    qos: z.string().optional(),
    /** The management plane (NTP, syslog, AAA, management ACL, SNMPv3, banner): inventory/management-schema.ts. */
    management: z.string().optional(),
    /** Router models per role and their physical ports (inventory/hardware-schema.ts); absent: ports unbounded, none shut. */
    hardware: z.string().optional(),
    /** The routers outside the lab the ssh target deploys to (inventory/routers-schema.ts); absent: no ssh target. */
    routers: z.string().optional(),
  }),
  /**
   * The policy inputs beside the inventory (inventory/policy-files.ts): the waivers file and the user
   * rule modules (paths, or a `*` in the file name). Absent: `waivers.yaml` when present, `policies/*.js|mjs`.
   */
  policy: z
    .strictObject({
      waivers: z.string().min(1).optional(),
      rules: z.array(z.string().regex(/^[^*]*(\*[^/*]*)*$/, 'a path, or a `*` in its file name only (policies/*.js)')).optional(),
    })
    .optional(),
  tiers: z.array(tierSchema).min(1),
  /** The plan's tier table, the one place its figures live: NET-004 and KPI 4 check against it. */
  plan_tiers: z.array(planTierSchema).default([]),
  ipam: z.strictObject({ ipv4: familyPlan(32), ipv6: familyPlan(128) }),
  /** Where the Terraform stacks keep state: `pg` reads its connection string from PG_CONN_STR. */
  terraform: z
    .object({
      backend: z.enum(['local', 'pg']),
      schema_prefix: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/)
        .optional(),
    })
    .optional(),
  internet_exit: z.strictObject({
    bandwidth_mbps: bandwidth,
    /** Documentation addresses standing for "the internet" beyond the exit (lab and verification). */
    upstream: z.strictObject({ ipv4: z.string(), ipv6: z.string() }),
  }),
  monitoring: monitoringPolicySchema.optional(),
});
export type ProvinceFile = z.infer<typeof provinceSchema>;

export const departmentsSchema = z.strictObject({
  departments: z.array(
    z.strictObject({
      id,
      name: displayName,
      name_en: safeText.optional(),
      legacy: z.array(legacyNetwork).default([]),
    }),
  ),
});
export type DepartmentsFile = z.infer<typeof departmentsSchema>;

export const datacentersSchema = z.strictObject({
  datacenters: z.array(
    z.strictObject({
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

export const legacySchema = z.strictObject({
  networks: z.record(legacyNetwork, z.strictObject({ name: safeText, supernet_ipv4: z.string() })),
  /** Membership by level; a site listed under `sites` overrides its level's default. */
  defaults: z.record(level, z.array(legacyNetwork)),
  sites: z
    .record(
      z.string(),
      z.strictObject({
        networks: z.array(legacyNetwork).optional(),
        lan_ipv4: z.string().optional(),
        loopback_ipv4: z.string().optional(),
      }),
    )
    .default({}),
});
export type LegacyFile = z.infer<typeof legacySchema>;

export const privateNetworksSchema = z.strictObject({
  private_networks: z.array(
    z.strictObject({
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

export const ledgerSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  /** site id → its block per family; synth appends new sites, never moves existing ones. */
  allocations: z.record(z.string(), z.strictObject({ ipv4: z.string(), ipv6: z.string() })).default({}),
  /** pool key (`cloud/<id>/provider`, …) → its prefix per family; same rules as the site blocks. */
  pools: z.record(z.string(), z.strictObject({ ipv4: z.string(), ipv6: z.string() })).optional(),
  /**
   * device id → model interface name (`d3`, `up0`) → its physical VRP port (`XGigabitEthernet2/0/3`):
   * given once, never moved; a removed interface's port is freed (network/ports.ts).
   */
  ports: z.record(z.string(), z.record(z.string(), z.string())).optional(),
});
export type LedgerFile = z.infer<typeof ledgerSchema>;

const ipv4Cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'an IPv4 prefix such as 203.0.113.0/28');
const ipv4Address = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/, 'an IPv4 address such as 203.0.113.8');

/**
 * The unified internet exit's guard (exit-policy.yaml): which government ranges each exit
 * translates to which public range, and the only services the internet may open connections to.
 * Addresses are checked against each other and the topology in network/exit-guard.ts.
 */
export const exitPolicySchema = z.strictObject({
  nat: z
    .strictObject({
      /** Government IPv4 ranges translated (source NAT) when they leave for the internet; default: the IPv4 supernet. */
      inside_ipv4: z.array(ipv4Cidr).min(1).optional(),
    })
    .default({}),
  exits: z
    .array(
      z.strictObject({
        /** An exit router of the topology (`shaanxi-exit1`). */
        device: z.string().min(1),
        /** The public range the upstream routes to this exit. */
        public_ipv4: ipv4Cidr,
        /** The part of it source NAT draws from; the rest is for the public services' addresses. */
        snat_ipv4: ipv4Cidr,
      }),
    )
    .min(1),
  /** Services the internet may reach (everything else inbound is dropped). */
  public_services: z
    .array(
      z.strictObject({
        /** A published cloud service (clouds.yaml `services`), `<cloud>/<name>`: its VIPs are the inside addresses. */
        service: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, 'a published service as <cloud>/<name>'),
        /** Its public IPv4 address at each exit (static NAT); IPv6 reaches the VIP itself. */
        public_ipv4: z.record(z.string(), ipv4Address),
      }),
    )
    .default([]),
  /** uRPF mode on the exits' upstream interfaces (see network/exit-guard.ts for why strict). */
  urpf: z.enum(['strict', 'loose']).default('strict'),
});
export type ExitPolicyFile = z.infer<typeof exitPolicySchema>;

/** first-hop.yaml: VRRPv3 on the LANs two routers serve. */
export const firstHopSchema = z.strictObject({
  vrrp: z
    .strictObject({
      vrid: z.number().int().min(1).max(255),
      priority: z.strictObject({ r1: z.number().int().min(1).max(254), r2: z.number().int().min(1).max(254) }),
      /** VRRPv3 counts centiseconds: a multiple of 10 ms, 10 ms to 40.95 s (RFC 5798 §5.2.7). */
      advertisement_ms: z.number().int().min(10).max(40950).multipleOf(10),
      fast_advertisement_ms: z.number().int().min(10).max(40950).multipleOf(10),
      link_local: z.string().regex(/^fe80::[0-9a-f:]*$/i, 'an IPv6 link-local address (fe80::…)'),
    })
    .refine((v) => v.priority.r1 > v.priority.r2, { message: 'priority.r1 must be above priority.r2: r1 is the preferred gateway', path: ['priority'] }),
});
export type FirstHopFile = z.infer<typeof firstHopSchema>;

/** qos.yaml: the DSCP classes of the tiered circuits and their shares. */
export const qosSchema = z
  .strictObject({
    classes: z
      .array(
        z.strictObject({
          id,
          name: displayName,
          dscp: z.array(z.number().int().min(0).max(63)).min(1),
          queue: z.enum(['priority', 'assured', 'default']),
          share_percent: z.number().int().min(1).max(100),
        }),
      )
      .min(1),
    tiers: z.record(z.string(), z.record(z.string(), z.number().int().min(1).max(100))).default({}),
  })
  .superRefine((q, ctx) => {
    const seen = new Map<number, string>();
    q.classes.forEach((c, i) => {
      for (const d of c.dscp) {
        const other = seen.get(d);
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['classes', i, 'dscp'], message: `DSCP ${d} is already in class "${other}"` });
        seen.set(d, c.id);
      }
      if (q.classes.findIndex((x) => x.id === c.id) !== i)
        ctx.addIssue({ code: 'custom', path: ['classes', i, 'id'], message: `class "${c.id}" is declared twice` });
    });
    const defaults = q.classes.filter((c) => c.queue === 'default').length;
    if (defaults !== 1)
      ctx.addIssue({ code: 'custom', path: ['classes'], message: `exactly one class must have queue: default (it takes unmarked traffic), found ${defaults}` });
    const sum = q.classes.reduce((a, c) => a + c.share_percent, 0);
    if (sum !== 100) ctx.addIssue({ code: 'custom', path: ['classes'], message: `the classes' share_percent add up to ${sum}, not 100` });
    for (const [tier, shares] of Object.entries(q.tiers)) {
      for (const cls of Object.keys(shares))
        if (!q.classes.some((c) => c.id === cls)) ctx.addIssue({ code: 'custom', path: ['tiers', tier, cls], message: `no class "${cls}" in classes` });
      const missing = q.classes.filter((c) => shares[c.id] === undefined).map((c) => c.id);
      if (missing.length) ctx.addIssue({ code: 'custom', path: ['tiers', tier], message: `gives no share to ${missing.join(', ')}` });
      const total = Object.values(shares).reduce((a, b) => a + b, 0);
      if (total !== 100) ctx.addIssue({ code: 'custom', path: ['tiers', tier], message: `shares add up to ${total}, not 100` });
    }
  });
export type QosFile = z.infer<typeof qosSchema>;
