/**
 * The management plane of an FRR router's host: FRR itself has no NTP client, remote syslog, SSH
 * server or SNMP agent, so the Linux side carries them — sshd (ListenAddress on the management
 * address, AllowUsers limited to the management networks, idle timeout, banner, PAM), the PAM
 * stack of sshd (pam_faillock lockout with faillock.conf, pam_pwhistory, pam_tty_audit so every
 * command typed is audited), the password ageing keys of login.defs, net-snmp snmpd (SNMPv3
 * authPriv users only, listening on the management address), chrony (the NTP servers) and rsyslog
 * (forwarding to the collectors at the level's severity). Rendered from the same management.yaml
 * data as the VRP statements (features/management.ts). Pure: the lab writes the files after
 * resolving the `{{secret:…}}` references.
 */
import { managementFor, ref, type ManagementSettings } from '../management.js';
import type { Device, Topology } from '../types.js';
import { addressOf } from '../../lib/ip.js';
import type { HostManagementFiles } from './management-parse.js';

export interface HostManagementOptions {
  /** The device's management address: sshd and snmpd listen there and nowhere else. */
  listenAddress: string;
  /** Management stations besides the inventory's networks (in the lab: the host end of the management link); every local user may log in from them. */
  extraStations?: string[];
  /** The account the deploy logs in as (with its key), admitted from the extra stations only. */
  automationUser?: string;
  /** Where the banner file will be on the host (sshd `Banner`). */
  bannerPath: string;
}

/** rsyslog's names for the VRP severities management.yaml uses. */
const RSYSLOG_SEVERITY: Record<string, string> = {
  emergencies: 'emerg',
  alert: 'alert',
  critical: 'crit',
  error: 'err',
  warning: 'warning',
  notification: 'notice',
  informational: 'info',
  debugging: 'debug',
};

const NET_SNMP_AUTH: Record<string, string> = { sha: 'SHA', sha256: 'SHA-256' };
const NET_SNMP_PRIV: Record<string, string> = { aes128: 'AES' };

function sshd(m: ManagementSettings, o: HostManagementOptions): string {
  // A management station the caller adds (the lab's NOC end) is one like the inventory's networks.
  const sources = [...m.access.ipv4, ...m.access.ipv6, ...(o.extraStations ?? [])];
  const allow = m.aaa.localUsers.flatMap((u) => sources.map((s) => `${u.name}@${s}`));
  if (o.automationUser) for (const s of o.extraStations ?? []) allow.push(`${o.automationUser}@${s}`);
  return [
    `ListenAddress ${o.listenAddress}`,
    `AllowUsers ${allow.join(' ')}`,
    // Idle sessions end (OpenSSH ≥ 9.2): a session channel without traffic for the idle timeout is
    // closed, then the connection left without channels. ClientAlive* would not do: a live client
    // answers the keepalives however long its user is away.
    `ChannelTimeout session=${m.aaa.idleTimeoutMinutes}m`,
    `UnusedConnectionTimeout ${m.aaa.idleTimeoutMinutes}m`,
    `MaxAuthTries ${m.aaa.lockout.retries}`,
    // Password logins go through PAM (pam-sshd): pam_faillock counts the failures and locks.
    'UsePAM yes',
    `Banner ${o.bannerPath}`,
    '',
  ].join('\n');
}

/**
 * /etc/pam.d/sshd. pam_unix sits inside the faillock pair (as pam_faillock(8) shows) rather than
 * behind `@include common-auth`, whose pam_deny would end the stack before `authfail` counts.
 */
function pamSshd(m: ManagementSettings): string {
  return [
    'auth     required      pam_faillock.so preauth',
    'auth     [success=1 default=bad] pam_unix.so',
    'auth     [default=die] pam_faillock.so authfail',
    'auth     sufficient    pam_faillock.so authsucc',
    'auth     required      pam_deny.so',
    'account  required      pam_faillock.so',
    'account  required      pam_nologin.so',
    '@include common-account',
    `password requisite     pam_pwhistory.so remember=${m.aaa.passwordPolicy.history} enforce_for_root`,
    'password required      pam_unix.so use_authtok obscure yescrypt',
    'session  required      pam_loginuid.so',
    // Every keystroke of a login session goes to the kernel audit log (auditd ships it).
    'session  required      pam_tty_audit.so enable=*',
    '@include common-session',
    '',
  ].join('\n');
}

/** /etc/security/faillock.conf: `retries` failures within the interval lock the account for the block time. */
function faillock(m: ManagementSettings): string {
  const l = m.aaa.lockout;
  return [`deny = ${l.retries}`, `fail_interval = ${l.retryIntervalMinutes * 60}`, `unlock_time = ${l.blockMinutes * 60}`, ''].join('\n');
}

/** The password ageing keys of /etc/login.defs (the rest of that file stays the distribution's). */
function loginDefs(m: ManagementSettings): string {
  // expire_days 0 is VRP's "never": login.defs says that with 99999 (0 would force a change every login).
  return [`PASS_MAX_DAYS ${m.aaa.passwordPolicy.expireDays || 99999}`, 'PASS_MIN_DAYS 1', 'PASS_WARN_AGE 7', ''].join('\n');
}

function snmpd(m: ManagementSettings, device: Device, o: HostManagementOptions): string {
  const lines = [`agentAddress udp:${o.listenAddress}:161`];
  for (const u of m.snmp.users) {
    lines.push(`createUser ${u.name} ${NET_SNMP_AUTH[u.auth]} "${ref(u.authKey)}" ${NET_SNMP_PRIV[u.priv]} "${ref(u.privKey)}"`);
    lines.push(`rouser -s usm ${u.name} priv`);
  }
  lines.push(`sysName ${device.hostname}`, `sysLocation ${device.site}`, `sysContact ${m.snmp.contact}`, '');
  return lines.join('\n');
}

function chrony(m: ManagementSettings): string {
  return [...m.ntp.map((s) => `server ${s.address} iburst${s.prefer ? ' prefer' : ''}`), 'makestep 1 3', 'rtcsync', ''].join('\n');
}

function rsyslog(m: ManagementSettings): string {
  const sev = RSYSLOG_SEVERITY[m.syslog.level] ?? 'info';
  return [
    ...m.syslog.collectors.map(
      (c) =>
        `*.${sev} action(type="omfwd" target="${c.address}" port="${c.port}" protocol="${c.protocol}" queue.type="LinkedList" action.resumeRetryCount="-1" template="RSYSLOG_SyslogProtocol23Format")`,
    ),
    '',
  ].join('\n');
}

/** The host files of `device`, or undefined when the inventory declares no management plane. */
export function renderHostManagement(topology: Topology, device: Device, opts: HostManagementOptions): HostManagementFiles | undefined {
  const m = managementFor(topology, device);
  if (!m) return undefined;
  return {
    sshd_config: sshd(m, opts),
    'pam-sshd': pamSshd(m),
    'faillock.conf': faillock(m),
    'login.defs': loginDefs(m),
    'snmpd.conf': snmpd(m, device, opts),
    'chrony.conf': chrony(m),
    'rsyslog.conf': rsyslog(m),
    banner: `${[`${device.hostname}:`, ...m.banner].join('\n')}\n`,
  };
}

/** The host files as a production FRR router gets them: managed in band at its loopback. */
export function productionHostManagement(topology: Topology, device: Device): HostManagementFiles | undefined {
  return renderHostManagement(topology, device, { listenAddress: addressOf(device.loopback.ipv4), bannerPath: '/etc/issue.net' });
}
