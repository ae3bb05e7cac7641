/**
 * management.yaml: the management plane every router gets (NTP, syslog, AAA and local users, who
 * may reach SSH/SNMP, SNMPv3 users, the login banner), as `defaults` plus per-level `overrides`.
 * An override names whole sections (`ntp`, `syslog`, …) and each replaces the default's section of
 * that name for the sites of that level: a person reads one section to know what a township gets.
 *
 * Secrets are never values here: every key and password field is a `{{secret:PATH}}` reference
 * (lib/secret-ref-token.ts) that deploy resolves from the sealed store; a literal is refused.
 */
import { z } from 'zod';
import { PrefixError, parseAddress, parsePrefix } from '../lib/ip.js';
import { refPath } from '../lib/secret-ref-token.js';

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'names are 1–32 lower-case letters, digits, _ and -, starting with a letter');

const address = z.string().refine((v) => {
  try {
    parseAddress(v);
    return true;
  } catch (e) {
    if (e instanceof PrefixError) return false;
    throw e;
  }
}, 'an IPv4 or IPv6 address');

const prefix = z.string().refine((v) => {
  try {
    parsePrefix(v);
    return true;
  } catch (e) {
    if (e instanceof PrefixError) return false;
    throw e;
  }
}, 'a prefix such as 10.0.4.0/26 or 2001:db8:1::/64 (no host bits)');

/** A secret field: only a reference. The message never repeats the value (it may be a real key). */
const secret = z.string().superRefine((v, ctx) => {
  if (refPath(v) === undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'must be a {{secret:PATH}} reference (the inventory never holds a secret value; put the value in the store: stacks secrets set PATH)',
    });
});

/** One printable line (a banner is several such lines). */
const printable = z.string().regex(/^[^\p{Cc}"]*$/u, 'printable text without quotes or control characters');

const syslogLevel = z.enum(['emergencies', 'alert', 'critical', 'error', 'warning', 'notification', 'informational', 'debugging']);

const ntpSection = z.strictObject({
  servers: z.array(z.strictObject({ address, prefer: z.boolean().default(false) })).min(1),
});

const syslogSection = z.strictObject({
  collectors: z
    .array(z.strictObject({ address, port: z.number().int().min(1).max(65535).default(514), protocol: z.enum(['udp', 'tcp']).default('udp') }))
    .min(1),
  /** The lowest severity sent (VRP `info-center source default channel loghost log level`). */
  level: syslogLevel.default('informational'),
  facility: z.enum(['local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']).default('local7'),
});

const aaaSection = z.strictObject({
  /** HWTACACS server groups; the first one authenticates, authorises and accounts for logins. */
  tacacs: z
    .array(
      z.strictObject({
        name,
        servers: z.array(z.strictObject({ address, port: z.number().int().min(1).max(65535).default(49) })).min(1),
        shared_key: secret,
      }),
    )
    .default([]),
  /** Fallback users when no TACACS server answers (and the only users of an FRR host). */
  local_users: z
    .array(
      z.strictObject({
        name,
        /** 0–15, VRP privilege levels (15: administrator). */
        privilege: z.number().int().min(0).max(15),
        /** Optional: without it the path is users/<name>/password (generated on first deploy). */
        password: secret.optional(),
      }),
    )
    .min(1),
  lockout: z.strictObject({
    retry_interval_minutes: z.number().int().min(1).max(65535),
    retries: z.number().int().min(1).max(65535),
    block_minutes: z.number().int().min(1).max(65535),
  }),
  password_policy: z.strictObject({ expire_days: z.number().int().min(0).max(999), history: z.number().int().min(0).max(12) }),
  idle_timeout_minutes: z.number().int().min(1).max(35791),
});

const accessSection = z.strictObject({
  /** Who may reach SSH and SNMP on a router: the management networks, per family. */
  ipv4: z.array(prefix).min(1),
  ipv6: z.array(prefix).default([]),
});

const snmpSection = z.strictObject({
  /** SNMPv3 users, always authPriv (there is no community and no other version to ask for). */
  users: z
    .array(
      z.strictObject({
        name,
        group: name,
        auth: z.enum(['sha', 'sha256']).default('sha'),
        priv: z.enum(['aes128']).default('aes128'),
        /** Optional: without them the paths are snmp/v3/<name>/auth and snmp/v3/<name>/priv. */
        auth_key: secret.optional(),
        priv_key: secret.optional(),
        /** The user the NOC's poller (stacks daemon) uses. */
        poller: z.boolean().default(false),
      }),
    )
    .min(1),
  /** Where traps go (SNMPv3 authPriv as the poller user). */
  trap_hosts: z.array(address).default([]),
  contact: printable.pipe(z.string().min(1)),
});

const sections = {
  ntp: ntpSection,
  syslog: syslogSection,
  aaa: aaaSection,
  management_access: accessSection,
  snmp: snmpSection,
  banner: z.array(printable).min(1).max(20),
};

export const managementSchema = z.strictObject({
  defaults: z.strictObject(sections),
  /** Per-level sections replacing the defaults' of the same name. */
  overrides: z.partialRecord(z.enum(['province', 'city', 'county', 'township', 'department', 'datacenter']), z.strictObject(sections).partial()).default({}),
});
export type ManagementFile = z.infer<typeof managementSchema>;
