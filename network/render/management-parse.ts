/**
 * Reads the management plane back out of rendered output: VRP statements (called from
 * vrp-parse.ts for the top-level lines it claims, and for the stanzas they open) and an FRR
 * device's host files (sshd_config, snmpd.conf, chrony.conf, rsyslog.conf from
 * linux-management.ts). Never quotes a line that may hold a secret in a finding.
 */
import type { FindingSink, NumberedLine } from '../verify/config/parse-support.js';
import { emptyManagement, secretToken, type ManagementFacts } from '../verify/config/management-model.js';

/** The basic ACL (both families) the management feature renders (features/management.ts). */
export const VRP_MGMT_ACL = 2001;

type Block = 'acl4' | 'acl6' | 'hwtacacs' | 'aaa' | 'vty';

/** The VRP management statements of one config. */
export class VrpManagementReader {
  readonly facts: ManagementFacts = emptyManagement();
  private block?: { kind: Block; id: string };
  private seen = false;

  /** Whether anything was read (a config without any leaves ParsedConfig.management absent). */
  get any(): boolean {
    return this.seen;
  }

  /** A top-level line: true when it is a management statement (then `inBlock` says whether a stanza opened). */
  top(l: NumberedLine, sink: FindingSink): boolean {
    const w = l.words;
    const f = this.facts;
    this.block = undefined;
    let m: RegExpExecArray | null;
    const claim = () => {
      this.seen = true;
      return true;
    };
    // Only the management ACL: other ACLs (the exit guard's) belong to their own readers.
    if (w[0] === 'acl' && w[1] === 'number' && w.length === 3 && w[2] === String(VRP_MGMT_ACL)) {
      this.block = { kind: 'acl4', id: w[2]! };
      f.acls[`ipv4:${w[2]}`] = { permits: [], line: l.line };
      return claim();
    }
    if (w[0] === 'acl' && w[1] === 'ipv6' && w[2] === 'number' && w.length === 4 && w[3] === String(VRP_MGMT_ACL)) {
      this.block = { kind: 'acl6', id: w[3]! };
      f.acls[`ipv6:${w[3]}`] = { permits: [], line: l.line };
      return claim();
    }
    if (w[0] === 'hwtacacs-server' && w[1] === 'template' && w.length === 3) {
      f.aaa.tacacs.push(w[2]!);
      this.block = { kind: 'hwtacacs', id: w[2]! };
      return claim();
    }
    if (l.text === 'aaa') {
      this.block = { kind: 'aaa', id: '' };
      return claim();
    }
    if (w[0] === 'user-interface' && w[1] === 'vty') {
      this.block = { kind: 'vty', id: w.slice(2).join(' ') };
      return claim();
    }
    if (w[0] === 'ntp-service' && w[1] === 'unicast-server') {
      const addr = w[2] === 'ipv6' ? w[3] : w[2];
      if (addr) f.ntpServers.push({ address: addr, line: l.line });
      return claim();
    }
    if (w[0] === 'info-center') {
      if (w[1] === 'loghost' && w[2] !== 'source') {
        const addr = w[2] === 'ipv6' ? w[3] : w[2];
        if (addr) f.syslogHosts.push({ address: addr, line: l.line });
      }
      return claim();
    }
    if (w[0] === 'snmp-agent') {
      if (w[1] === 'community') {
        f.snmp.communities++;
        // The community itself is a secret: the finding names the line only.
        sink.add('mgmt.snmp-community', l.line, 'an SNMP community (v1/v2c, sent in clear text) is configured');
      } else if (w[1] === 'sys-info' && w[2] === 'version') f.snmp.versions = w.slice(3).includes('all') ? ['v1', 'v2c', 'v3'] : w.slice(3);
      else if (w[1] === 'usm-user' && w[2] === 'v3' && (m = /^snmp-agent usm-user v3 (\S+) (\S+)(.*)$/.exec(l.text))) {
        const rest = m[3]!;
        const auth = /authentication-mode (\S+) (\S+)/.exec(rest);
        const priv = /privacy-mode (\S+) (\S+)/.exec(rest);
        const acl = /\bacl (\d+)/.exec(rest);
        f.snmp.users.push({
          name: m[1]!,
          auth: auth?.[1],
          authKey: secretToken(auth?.[2]),
          priv: priv?.[1],
          privKey: secretToken(priv?.[2]),
          acl: acl?.[1],
          line: l.line,
        });
      }
      return claim();
    }
    if (l.text === 'stelnet server enable' || l.text === 'ssh server enable') {
      f.ssh.enabled = true;
      return claim();
    }
    if (l.text === 'telnet server enable' || l.text === 'telnet ipv6 server enable') {
      if (!f.vty.protocols.includes('telnet')) f.vty.protocols.push('telnet');
      return claim();
    }
    if (w[0] === 'ssh' && (w[1] === 'user' || w[1] === 'server-source' || (w[1] === 'ipv6' && w[2] === 'server-source') || w[1] === 'authorization-type'))
      return claim();
    if (w[0] === 'header' && w[1] === 'login') {
      f.banner = true;
      return claim();
    }
    return false;
  }

  get inBlock(): boolean {
    return this.block !== undefined;
  }

  /** A line inside a stanza `top` opened. */
  line(l: NumberedLine, sink: FindingSink): void {
    const b = this.block!;
    const w = l.words;
    const f = this.facts;
    let m: RegExpExecArray | null;
    if (b.kind === 'acl4' || b.kind === 'acl6') {
      const acl = f.acls[`${b.kind === 'acl4' ? 'ipv4' : 'ipv6'}:${b.id}`]!;
      if (w[0] === 'description') return;
      if (w[0] === 'rule' && w[2] === 'permit' && w[3] === 'source') acl.permits.push(w.slice(4).join(' '));
      else if (!(w[0] === 'rule' && w[2] === 'deny')) sink.unknown(l, `in acl ${b.id}`);
      return;
    }
    if (b.kind === 'hwtacacs') {
      // Shared key lines hold a secret (or its reference): never quoted.
      if (w[0] !== 'hwtacacs-server') sink.add('parse.unknown-line', l.line, `not understood in hwtacacs-server template ${b.id}`);
      return;
    }
    if (b.kind === 'vty') {
      if ((m = /^protocol inbound (\S+)$/.exec(l.text))) f.vty.protocols = m[1] === 'all' ? ['ssh', 'telnet'] : [m[1]!];
      else if ((m = /^acl (ipv6 )?(\S+) inbound$/.exec(l.text))) f.vty[m[1] ? 'acl6' : 'acl4'] = m[2];
      else if ((m = /^idle-timeout (\d+)(?: (\d+))?$/.exec(l.text))) f.vty.idleTimeoutMinutes = Number(m[1]) + Number(m[2] ?? 0) / 60;
      else if ((m = /^authentication-mode (\S+)$/.exec(l.text))) f.vty.authentication = m[1];
      else sink.unknown(l, `in user-interface vty ${b.id}`);
      return;
    }
    // aaa: schemes, domains, lockout, password policy, local users (password lines never quoted).
    if (/^local-aaa-user wrong-password retry-interval \d+ retry-time \d+ block-time \d+$/.test(l.text)) f.aaa.lockout = true;
    else if (l.text === 'local-aaa-user password policy administrator') f.aaa.passwordPolicy = true;
    else if ((m = /^local-user (\S+) password (?:irreversible-cipher|cipher) (\S+)$/.exec(l.text))) userOf(f, m[1]!).password = secretToken(m[2]);
    else if (/^local-user \S+ password simple /.test(l.text)) {
      userOf(f, w[1]!).password = 'literal';
      sink.add('mgmt.plaintext-password', l.line, `local user ${w[1]} has a password in clear text`);
    } else if ((m = /^local-user (\S+) privilege level (\d+)$/.exec(l.text))) userOf(f, m[1]!).privilege = Number(m[2]);
    else if (/^local-user \S+ (service-type|state) /.test(l.text)) userOf(f, w[1]!);
    else if (
      !/^(authentication-scheme|authorization-scheme|accounting-scheme|authentication-mode|authorization-mode|accounting-mode|domain|hwtacacs-server|password history record number|password expire) ?/.test(
        l.text,
      )
    )
      sink.add('parse.unknown-line', l.line, 'not understood in aaa');
  }
}

function userOf(f: ManagementFacts, name: string): ManagementFacts['aaa']['localUsers'][number] {
  let u = f.aaa.localUsers.find((x) => x.name === name);
  if (!u) f.aaa.localUsers.push((u = { name }));
  return u;
}

/** The files an FRR device's host gets (names as linux-management.ts renders them). */
export interface HostManagementFiles {
  sshd_config?: string;
  /** /etc/pam.d/sshd */
  'pam-sshd'?: string;
  /** /etc/security/faillock.conf */
  'faillock.conf'?: string;
  /** The password ageing keys of /etc/login.defs. */
  'login.defs'?: string;
  'snmpd.conf'?: string;
  'chrony.conf'?: string;
  'rsyslog.conf'?: string;
  banner?: string;
}

/** sshd's time format (`10m`, `600`, `1h30m`) in minutes. */
function sshdMinutes(text: string): number | undefined {
  const unit: Record<string, number> = { '': 1 / 60, s: 1 / 60, m: 1, h: 60, d: 1440, w: 10080 };
  let total = 0;
  for (const part of text.toLowerCase().match(/\d+[smhdw]?/g) ?? []) total += Number(/\d+/.exec(part)![0]) * unit[part.replace(/\d+/, '')]!;
  return /^(\d+[smhdw]?)+$/i.test(text) ? total : undefined;
}

function keyValues(text: string | undefined, re: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of (text ?? '').split('\n')) {
    const m = re.exec(l.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** Facts from an FRR device's host files: the Linux side of the same management plane. */
export function parseHostManagement(files: HostManagementFiles): ManagementFacts {
  const f = emptyManagement();
  let usePam = false;
  const each = (text: string | undefined, fn: (line: string, n: number) => void) => (text ?? '').split('\n').forEach((l, i) => fn(l.trim(), i + 1));
  each(files.sshd_config, (l) => {
    let m: RegExpExecArray | null;
    if ((m = /^ListenAddress (\S+)$/.exec(l))) {
      f.ssh.enabled = true;
      f.ssh.listen.push(m[1]!);
    } else if ((m = /^AllowUsers (.+)$/.exec(l))) f.ssh.allowUsers.push(...m[1]!.split(/\s+/));
    else if ((m = /^ChannelTimeout (.+)$/.exec(l))) {
      const session = m[1]!.split(/\s+/).find((t) => /^(session|\*)=/.test(t));
      if (session) f.vty.idleTimeoutMinutes = sshdMinutes(session.slice(session.indexOf('=') + 1));
    } else if (/^UsePAM yes$/i.test(l)) usePam = true;
    else if (/^Banner /.test(l)) f.banner = true;
  });
  if (f.ssh.enabled) f.vty.protocols = ['ssh'];
  // Lockout and password policy: sshd hands password logins to PAM, whose stack counts failures
  // (pam_faillock authfail with a deny above zero) and refuses reused passwords
  // (pam_pwhistory remember=N), and accounts age out (login.defs PASS_MAX_DAYS).
  const pam = (files['pam-sshd'] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const conf = keyValues(files['faillock.conf'], /^(\w+)\s*=\s*(\S+)$/);
  const defs = keyValues(files['login.defs'], /^(\w+)\s+(\S+)$/);
  const faillockArg = (k: string) => pam.map((l) => new RegExp(`\\b${k}=(\\d+)`).exec(l)?.[1]).find((v) => v !== undefined) ?? conf.get(k);
  const deny = Number(faillockArg('deny') ?? 3); // pam_faillock's own default is 3
  f.aaa.lockout = usePam && pam.some((l) => /^auth\s.*pam_faillock\.so\s.*\bauthfail\b/.test(l)) && deny > 0;
  const remember = Number(pam.map((l) => (/^password\s.*pam_pwhistory\.so/.test(l) ? /\bremember=(\d+)/.exec(l)?.[1] : undefined)).find(Boolean) ?? 0);
  const maxDays = Number(defs.get('PASS_MAX_DAYS') ?? 99999);
  f.aaa.passwordPolicy = usePam && remember > 0 && maxDays > 0 && maxDays < 99999;
  // The host's login users are the ones sshd admits (its AllowUsers, without the source part).
  f.aaa.localUsers = [...new Set(f.ssh.allowUsers.map((u) => u.split('@')[0]!))].map((name) => ({ name }));
  // AllowUsers user@prefix patterns are the management ACL of sshd (one entry without a source admits anyone).
  const sources = f.ssh.allowUsers.map((u) => u.split('@')[1]).filter((s): s is string => !!s);
  if (sources.length && sources.length === f.ssh.allowUsers.length) {
    f.acls['ipv4:sshd'] = { permits: sources.filter((s) => !s.includes(':')), line: 0 };
    f.vty.acl4 = 'sshd';
    if (sources.some((s) => s.includes(':'))) {
      f.acls['ipv6:sshd'] = { permits: sources.filter((s) => s.includes(':')), line: 0 };
      f.vty.acl6 = 'sshd';
    }
  }
  const users = new Map<string, { name: string; auth?: string; priv?: string; authKey?: string; privKey?: string; line: number }>();
  each(files['snmpd.conf'], (l, n) => {
    let m: RegExpExecArray | null;
    if ((m = /^agentAddress (.+)$/.exec(l))) f.snmp.listen.push(...m[1]!.split(','));
    else if ((m = /^createUser (\S+) (\S+) (\S+) (\S+) (\S+)$/.exec(l)))
      users.set(m[1]!, { name: m[1]!, auth: m[2]!.toLowerCase(), authKey: secretToken(m[3]), priv: m[4]!.toLowerCase(), privKey: secretToken(m[5]), line: n });
    else if ((m = /^(rocommunity6?|rwcommunity6?|com2sec6?) /.exec(l))) f.snmp.communities++;
  });
  f.snmp.users = [...users.values()].filter((u) => !/^stacksInternal$/.test(u.name));
  f.snmp.versions = [...(f.snmp.users.length ? ['v3'] : []), ...(f.snmp.communities ? ['v2c'] : [])];
  each(files['chrony.conf'], (l, n) => {
    const m = /^(?:server|pool) (\S+)/.exec(l);
    if (m) f.ntpServers.push({ address: m[1]!, line: n });
  });
  each(files['rsyslog.conf'], (l, n) => {
    const m = /target="([^"]+)"/.exec(l);
    if (m && /\baction\(type="omfwd"/.test(l)) f.syslogHosts.push({ address: m[1]!, line: n });
  });
  return f;
}
