/**
 * The seam between rendered device configs and the 等保 rules: each config text becomes a small
 * set of facts (hasNtp, snmpVersions, vtyProtocols, …) that the rules judge. Today the facts come
 * from a line reader per dialect here; when the vendor-neutral config parser lands
 * (network/verify/config, issue 10), `deviceFacts` is the one function to re-point at it — the rules
 * do not change. Pure: text in, facts out.
 *
 * A fact the config does not state is recorded as absent, never assumed. FRR leaves SSH, login
 * lockout, NTP, remote syslog and SNMP to the host it runs on: an FRR device is judged on its
 * frr.conf AND its host files (network/render/linux-management.ts, read back by
 * parseHostManagement), so a rule passes only when what would run on that host says so.
 */
import { parseHostManagement, type HostManagementFiles } from '../../network/render/management-parse.js';

/** Same shape as network/verify/config's RenderedConfigFile (the agreement between helpers), plus an FRR device's host files. */
export interface RenderedConfigFile {
  device: string;
  dialect: 'frr' | 'vrp';
  path: string;
  text: string;
  /** FRR: the management files of the device's host (sshd, PAM, snmpd, chrony, rsyslog); absent: none rendered. */
  host?: HostManagementFiles;
}

interface InterfaceFacts {
  name: string;
  hasAddress: boolean;
  shutdown: boolean;
  /** Takes part in OSPFv2 or OSPFv3. */
  ospf: boolean;
  /** OSPF packets on it are authenticated (interface or area authentication). */
  ospfAuth: boolean;
  passive: boolean;
  loopback: boolean;
}

export interface DeviceFacts {
  device: string;
  dialect: 'frr' | 'vrp';
  path: string;
  /** Protocols that give a remote CLI (`ssh`, `telnet`), as far as the config says. */
  vtyProtocols: string[];
  /** The remote CLI is limited to an address list (VRP `acl … inbound`, FRR `access-class`). */
  vtyAcl: boolean;
  /** Failed logins lock the account or source for a while. */
  loginLockout: boolean;
  /** Idle sessions end after this many minutes (explicit in the config); undefined: not set. */
  idleTimeoutMinutes?: number;
  /** A password policy (complexity, expiry, history) is configured. */
  passwordPolicy: boolean;
  /** Passwords stored in clear text in the config. */
  plaintextPasswords: number;
  snmp: { enabled: boolean; versions: string[]; communities: number; v3WithoutPrivacy: number };
  syslogHosts: string[];
  ntpServers: string[];
  /** Every command typed is logged (FRR `log commands`, VRP command audit to info-center). */
  commandAudit: boolean;
  interfaces: InterfaceFacts[];
}

const empty = (f: RenderedConfigFile): DeviceFacts => ({
  device: f.device,
  dialect: f.dialect,
  path: f.path,
  vtyProtocols: [],
  vtyAcl: false,
  loginLockout: false,
  passwordPolicy: false,
  plaintextPasswords: 0,
  snmp: { enabled: false, versions: [], communities: 0, v3WithoutPrivacy: 0 },
  syslogHosts: [],
  ntpServers: [],
  commandAudit: false,
  interfaces: [],
});

const newInterface = (name: string): InterfaceFacts => ({
  name,
  hasAddress: false,
  shutdown: false,
  ospf: false,
  ospfAuth: false,
  passive: false,
  loopback: /^(lo|LoopBack)/i.test(name),
});

function frrFacts(f: RenderedConfigFile): DeviceFacts {
  const out = empty(f);
  let iface: InterfaceFacts | undefined;
  let block: 'router-ospf' | 'router-ospf6' | 'line-vty' | undefined;
  let encrypted = false;
  const areaAuth = { v4: false, v6: false };
  const passive = new Set<string>();
  let vtyLogin = false;
  for (const raw of f.text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '!' || line === 'exit' || line === 'end') {
      iface = undefined;
      block = undefined;
      continue;
    }
    if (!line.startsWith(' ')) {
      iface = undefined;
      block = undefined;
      let m: RegExpExecArray | null;
      if ((m = /^interface (\S+)/.exec(line))) out.interfaces.push((iface = newInterface(m[1]!)));
      else if (line === 'router ospf') block = 'router-ospf';
      else if (line === 'router ospf6') block = 'router-ospf6';
      else if (line === 'line vty') block = 'line-vty';
      else if (line === 'log commands') out.commandAudit = true;
      else if (line === 'service password-encryption') encrypted = true;
      else if (/^(enable )?password \S/.test(line)) {
        out.plaintextPasswords++;
        vtyLogin = true;
      } else if ((m = /^log syslog/.exec(line)))
        void m; // local syslog only: FRR cannot send to a remote host
      else if (/^agentx$/.test(line)) out.snmp.enabled = true;
      continue;
    }
    const l = line.trim();
    if (iface) {
      if (/^ipv?6? ?address |^ip address /.test(l)) iface.hasAddress = true;
      else if (l === 'shutdown') iface.shutdown = true;
      else if (/^ip ospf area |^ipv6 ospf6 area /.test(l)) iface.ospf = true;
      else if (/^ip ospf (authentication|message-digest-key)|^ipv6 ospf6 authentication/.test(l)) iface.ospfAuth = true;
      else if (/^ip ospf passive|^ipv6 ospf6 passive/.test(l)) iface.passive = true;
    } else if (block === 'router-ospf' || block === 'router-ospf6') {
      let m: RegExpExecArray | null;
      if (/^area \S+ authentication/.test(l)) areaAuth[block === 'router-ospf' ? 'v4' : 'v6'] = true;
      else if ((m = /^passive-interface (\S+)/.exec(l))) passive.add(m[1]!);
    } else if (block === 'line-vty') {
      let m: RegExpExecArray | null;
      if (/^access-class /.test(l)) out.vtyAcl = true;
      else if ((m = /^exec-timeout (\d+)(?: (\d+))?/.exec(l))) out.idleTimeoutMinutes = Number(m[1]) + Number(m[2] ?? 0) / 60;
      else if (l === 'no login') vtyLogin = true;
    }
  }
  for (const i of out.interfaces) {
    if (passive.has(i.name)) i.passive = true;
    if (i.ospf && areaAuth.v4) i.ospfAuth = true;
  }
  if (encrypted) out.plaintextPasswords = 0;
  // FRR's vty is telnet; it answers only when a password is set (or login is off).
  if (vtyLogin) out.vtyProtocols = ['telnet'];
  return out;
}

function vrpFacts(f: RenderedConfigFile): DeviceFacts {
  const out = empty(f);
  let iface: InterfaceFacts | undefined;
  let block: 'ospf' | 'vty' | 'aaa' | undefined;
  const silent = new Set<string>();
  let areaAuth = false;
  let ssh = false;
  let telnet = false;
  let vtyProtocol: string | undefined;
  let hasVty = false;
  let infoCenter = true; // on by default on VRP; `undo info-center enable` turns it off
  let commandLog = false;
  for (const raw of f.text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '#' || line === 'return') {
      iface = undefined;
      block = undefined;
      continue;
    }
    let m: RegExpExecArray | null;
    if (!line.startsWith(' ')) {
      iface = undefined;
      block = undefined;
      if ((m = /^interface (\S+)/.exec(line))) out.interfaces.push((iface = newInterface(m[1]!)));
      else if (/^ospf(v3)? \d+/.test(line)) block = 'ospf';
      else if (/^user-interface vty /.test(line)) {
        block = 'vty';
        hasVty = true;
      } else if (line === 'aaa') block = 'aaa';
      else if (/^stelnet server enable|^ssh server enable/.test(line)) ssh = true;
      else if (/^telnet (ipv6 )?server enable/.test(line)) telnet = true;
      else if (/^snmp-agent community /.test(line)) {
        out.snmp.enabled = true;
        out.snmp.communities++;
      } else if ((m = /^snmp-agent sys-info version (.+)/.exec(line))) {
        out.snmp.enabled = true;
        const v = m[1]!.split(/\s+/);
        out.snmp.versions = v.includes('all') ? ['v1', 'v2c', 'v3'] : v;
      } else if (/^snmp-agent usm-user v3 /.test(line)) {
        out.snmp.enabled = true;
        if (!/privacy-mode/.test(line)) out.snmp.v3WithoutPrivacy++;
      } else if (line === 'snmp-agent') out.snmp.enabled = true;
      else if ((m = /^info-center loghost (?:ipv6 )?(\S+)/.exec(line))) out.syslogHosts.push(m[1]!);
      else if ((m = /^ntp-service unicast-server (?:ipv6 )?(\S+)/.exec(line))) out.ntpServers.push(m[1]!);
      else if (line === 'undo info-center enable') infoCenter = false;
      else if (/^info-center source default channel \S+ log level/.test(line)) commandLog = true;
      continue;
    }
    const l = line.trim();
    if (iface) {
      if (/^ipv6 address |^ip address /.test(l)) iface.hasAddress = true;
      else if (l === 'shutdown') iface.shutdown = true;
      else if (/^ospf |^ospfv3 \d+ area /.test(l)) {
        iface.ospf = true;
        if (/^ospf authentication-mode /.test(l)) iface.ospfAuth = true;
      }
    } else if (block === 'ospf') {
      if ((m = /^silent-interface (\S+)/.exec(l))) silent.add(m[1]!);
      else if (/^authentication-mode /.test(l)) areaAuth = true;
    } else if (block === 'vty') {
      if ((m = /^protocol inbound (\S+)/.exec(l))) vtyProtocol = m[1];
      else if (/^acl (ipv6 )?\S+ inbound/.test(l)) out.vtyAcl = true;
      else if ((m = /^idle-timeout (\d+)(?: (\d+))?/.exec(l))) out.idleTimeoutMinutes = Number(m[1]) + Number(m[2] ?? 0) / 60;
    } else if (block === 'aaa') {
      if (/^local-aaa-user wrong-password retry-interval/.test(l) || /^local-user \S+ (?:.* )?(?:state block|fail-block)/.test(l)) out.loginLockout = true;
      else if (/^local-aaa-user password policy/.test(l)) out.passwordPolicy = true;
      else if (/^local-user \S+ password (simple|cipher)? ?\S/.test(l) && /password simple/.test(l)) out.plaintextPasswords++;
    }
  }
  for (const i of out.interfaces) {
    if (silent.has(i.name)) i.passive = true;
    if (i.ospf && areaAuth) i.ospfAuth = true;
  }
  // A vty block without `protocol inbound` accepts telnet (VRP's default); no vty block: not stated.
  const vty = hasVty ? (vtyProtocol === 'all' ? ['ssh', 'telnet'] : [vtyProtocol ?? 'telnet']) : [];
  if (telnet && !vty.includes('telnet')) vty.push('telnet');
  if (ssh && !hasVty) vty.push('ssh');
  out.vtyProtocols = vty.sort();
  out.commandAudit = infoCenter && commandLog;
  return out;
}

/** net-snmp `rouser|rwuser [-s usm] NAME [noauth|auth|priv]`: the users the agent admits below authPriv. */
function snmpUsersBelowPriv(conf: string): number {
  let n = 0;
  for (const raw of conf.split('\n')) {
    const m = /^\s*r[ow]user\s+(?:-s\s+\S+\s+)?(\S+)(?:\s+(noauth|auth|priv))?/.exec(raw);
    if (m && m[2] !== 'priv') n++;
  }
  return n;
}

/**
 * An FRR device's facts from its host files, on top of frr.conf's: remote access is the host's sshd
 * (FRR's vty answers telnet only when frr.conf sets a password), the rest is the host's daemons.
 * Where both could let someone in (telnet vty and sshd), the weaker setting counts.
 */
function withHost(out: DeviceFacts, files: HostManagementFiles): DeviceFacts {
  const h = parseHostManagement(files);
  const ssh = h.ssh.enabled;
  const telnet = out.vtyProtocols.includes('telnet');
  out.vtyProtocols = [...new Set([...out.vtyProtocols, ...h.vty.protocols])].sort();
  // The sshd ACL is AllowUsers user@source (every entry with a source); with telnet open the vty's access-class must hold too.
  const sshAcl = !!(h.vty.acl4 || h.vty.acl6);
  out.vtyAcl = ssh ? sshAcl && (!telnet || out.vtyAcl) : out.vtyAcl;
  const idle = [...(ssh ? [h.vty.idleTimeoutMinutes] : []), ...(telnet || !ssh ? [out.idleTimeoutMinutes] : [])];
  out.idleTimeoutMinutes = idle.some((v) => v === undefined) ? undefined : idle.includes(0) ? 0 : Math.max(...(idle as number[]));
  if (ssh) {
    out.loginLockout = h.aaa.lockout;
    out.passwordPolicy = h.aaa.passwordPolicy;
  }
  const snmpd = files['snmpd.conf'];
  if (snmpd !== undefined && (h.snmp.listen.length || h.snmp.users.length || h.snmp.communities)) {
    out.snmp = {
      enabled: true,
      versions: h.snmp.versions,
      communities: h.snmp.communities,
      v3WithoutPrivacy: snmpUsersBelowPriv(snmpd) + h.snmp.users.filter((u) => !u.priv).length,
    };
  }
  out.syslogHosts = h.syslogHosts.map((s) => s.address);
  out.ntpServers = h.ntpServers.map((s) => s.address);
  // vtysh commands are logged by FRR (`log commands`); a shell's keystrokes by pam_tty_audit on the ssh login.
  const ttyAudit = /^\s*session\s+\S+\s+pam_tty_audit\.so\s+.*\benable=\*/m.test(files['pam-sshd'] ?? '');
  out.commandAudit = out.commandAudit && (!ssh || (ttyAudit && /^UsePAM yes$/im.test(files.sshd_config ?? '')));
  return out;
}

/** The one entry point the rules use (re-point it at the shared config parser when it lands). */
export function deviceFacts(file: RenderedConfigFile): DeviceFacts {
  if (file.dialect === 'vrp') return vrpFacts(file);
  const facts = frrFacts(file);
  return file.host ? withHost(facts, file.host) : facts;
}

const cache = new WeakMap<readonly RenderedConfigFile[], DeviceFacts[]>();

/** Facts of every file, computed once per list however many rules ask. */
export function factsOf(files: readonly RenderedConfigFile[]): DeviceFacts[] {
  let facts = cache.get(files);
  if (!facts) {
    facts = files.map(deviceFacts);
    cache.set(files, facts);
  }
  return facts;
}
