/**
 * The management plane as the config verifier and the policies see it, read back from what was
 * rendered (VRP statements; an FRR device's host files), never from the inventory. A key or
 * password is kept only as its reference path (`{{secret:PATH}}` → PATH), or `literal` when the
 * text holds a value: two configs agree on a secret exactly when their paths agree.
 */
export interface ManagementFacts {
  ntpServers: Array<{ address: string; line: number }>;
  syslogHosts: Array<{ address: string; line: number }>;
  snmp: {
    /** Versions the agent answers (VRP `sys-info version`; net-snmp: those with a user or community). */
    versions: string[];
    communities: number;
    users: Array<{ name: string; auth?: string; priv?: string; authKey?: string; privKey?: string; acl?: string; line: number }>;
    /** The agent listens only on these addresses (net-snmp agentAddress; empty: not restricted / VRP). */
    listen: string[];
  };
  ssh: { enabled: boolean; listen: string[]; allowUsers: string[] };
  vty: { protocols: string[]; acl4?: string; acl6?: string; idleTimeoutMinutes?: number; authentication?: string };
  aaa: { tacacs: string[]; localUsers: Array<{ name: string; privilege?: number; password?: string }>; lockout: boolean; passwordPolicy: boolean };
  /** Basic ACLs by `<family>:<id>`: the sources they permit. */
  acls: Record<string, { permits: string[]; line: number }>;
  banner: boolean;
}

export function emptyManagement(): ManagementFacts {
  return {
    ntpServers: [],
    syslogHosts: [],
    snmp: { versions: [], communities: 0, users: [], listen: [] },
    ssh: { enabled: false, listen: [], allowUsers: [] },
    vty: { protocols: [] },
    aaa: { tacacs: [], localUsers: [], lockout: false, passwordPolicy: false },
    acls: {},
    banner: false,
  };
}

/** `{{secret:a/b}}` → `a/b`; any other text → `literal` (a value where a reference belongs). */
export function secretToken(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const m = /^"?\{\{secret:([^}]+)\}\}"?$/.exec(text);
  return m ? m[1] : 'literal';
}
