/**
 * The management plane in the model: management.yaml resolved per site level (defaults with each
 * level's override sections in place), every secret as a reference path. Pure; the renderers
 * (render/features/management.ts for VRP and FRR, render/linux-management.ts for an FRR device's
 * host) and the policies read `managementFor`.
 */
import type { ManagementFile } from '../inventory/management-schema.js';
import { refPath, secretRef } from '../lib/secret-ref-token.js';
import type { Device, Level, Topology } from './types.js';

interface NtpServer {
  address: string;
  prefer: boolean;
}
interface SyslogCollector {
  address: string;
  port: number;
  protocol: 'udp' | 'tcp';
}
interface TacacsGroup {
  name: string;
  servers: Array<{ address: string; port: number }>;
  /** Secret path of the shared key. */
  sharedKey: string;
}
interface LocalUser {
  name: string;
  privilege: number;
  /** Secret path of the password. */
  password: string;
}
interface SnmpUser {
  name: string;
  group: string;
  auth: 'sha' | 'sha256';
  priv: 'aes128';
  /** Secret paths of the keys. */
  authKey: string;
  privKey: string;
  poller: boolean;
}

/** What one router gets (the sections of its site level). */
export interface ManagementSettings {
  ntp: NtpServer[];
  syslog: { collectors: SyslogCollector[]; level: string; facility: string };
  aaa: {
    tacacs: TacacsGroup[];
    localUsers: LocalUser[];
    lockout: { retryIntervalMinutes: number; retries: number; blockMinutes: number };
    passwordPolicy: { expireDays: number; history: number };
    idleTimeoutMinutes: number;
  };
  /** Who may reach SSH and SNMP, per family. */
  access: { ipv4: string[]; ipv6: string[] };
  snmp: { users: SnmpUser[]; trapHosts: string[]; contact: string };
  banner: string[];
}

export type ManagementPlan = Record<Level, ManagementSettings>;

const LEVELS: readonly Level[] = ['province', 'city', 'county', 'township', 'department', 'datacenter'];

type Sections = ManagementFile['defaults'];

function settingsOf(s: Sections): ManagementSettings {
  const path = (ref: string | undefined, fallback: string) => (ref === undefined ? fallback : refPath(ref)!);
  return {
    ntp: s.ntp.servers.map((x) => ({ address: x.address, prefer: x.prefer })),
    syslog: { collectors: s.syslog.collectors.map((c) => ({ ...c })), level: s.syslog.level, facility: s.syslog.facility },
    aaa: {
      tacacs: s.aaa.tacacs.map((t) => ({ name: t.name, servers: t.servers.map((x) => ({ ...x })), sharedKey: refPath(t.shared_key)! })),
      localUsers: s.aaa.local_users.map((u) => ({ name: u.name, privilege: u.privilege, password: path(u.password, `users/${u.name}/password`) })),
      lockout: { retryIntervalMinutes: s.aaa.lockout.retry_interval_minutes, retries: s.aaa.lockout.retries, blockMinutes: s.aaa.lockout.block_minutes },
      passwordPolicy: { expireDays: s.aaa.password_policy.expire_days, history: s.aaa.password_policy.history },
      idleTimeoutMinutes: s.aaa.idle_timeout_minutes,
    },
    access: { ipv4: [...s.management_access.ipv4], ipv6: [...s.management_access.ipv6] },
    snmp: {
      users: s.snmp.users.map((u) => ({
        name: u.name,
        group: u.group,
        auth: u.auth,
        priv: u.priv,
        authKey: path(u.auth_key, `snmp/v3/${u.name}/auth`),
        privKey: path(u.priv_key, `snmp/v3/${u.name}/priv`),
        poller: u.poller,
      })),
      trapHosts: [...s.snmp.trap_hosts],
      contact: s.snmp.contact,
    },
    banner: [...s.banner],
  };
}

/** Resolve the file per level: each level's override sections replace the defaults' whole. */
export function planManagement(file: ManagementFile): ManagementPlan {
  const out = {} as ManagementPlan;
  for (const level of LEVELS) out[level] = settingsOf({ ...file.defaults, ...(file.overrides[level] ?? {}) } as Sections);
  return out;
}

/** What `device` gets; undefined when the inventory declares no management plane. */
export function managementFor(topology: Topology, device: Device): ManagementSettings | undefined {
  const plan = topology.management;
  if (!plan) return undefined;
  let levels = LEVEL_OF.get(topology);
  if (!levels) LEVEL_OF.set(topology, (levels = new Map(topology.sites.map((s) => [s.id, s.level]))));
  return plan[levels.get(device.site) ?? 'province'];
}

const LEVEL_OF = new WeakMap<Topology, Map<string, Level>>();

/** `{{secret:PATH}}` for a path: the only form a secret takes in a rendered file. */
export const ref = (path: string): string => secretRef(path);
