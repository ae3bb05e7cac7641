/**
 * The management plane of an FRR router's host: FRR itself has no NTP client, remote syslog, SSH
 * server or SNMP agent, so the Linux side carries them — sshd (ListenAddress on the management
 * address, AllowUsers limited to the management networks, idle timeout, banner), net-snmp snmpd
 * (SNMPv3 authPriv users only, listening on the management address), chrony (the NTP servers) and
 * rsyslog (forwarding to the collectors at the level's severity). Rendered from the same
 * management.yaml data as the VRP statements (features/management.ts). Pure: the lab writes the
 * files (lab/host/management.ts) after resolving the `{{secret:…}}` references.
 */
import { managementFor, ref, type ManagementSettings } from '../management.js';
import type { Device, Topology } from '../types.js';
import type { HostManagementFiles } from './management-parse.js';

export interface HostManagementOptions {
  /** The device's management address: sshd and snmpd listen there and nowhere else. */
  listenAddress: string;
  /** Management stations besides the inventory's networks (in the lab: the host end of the management link). */
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
  const sources = [...m.access.ipv4, ...m.access.ipv6];
  const allow = m.aaa.localUsers.flatMap((u) => sources.map((s) => `${u.name}@${s}`));
  if (o.automationUser) for (const s of o.extraStations ?? []) allow.push(`${o.automationUser}@${s}`);
  return [
    `ListenAddress ${o.listenAddress}`,
    `AllowUsers ${allow.join(' ')}`,
    // Idle sessions end: one unanswered keepalive after the idle timeout closes the session.
    `ClientAliveInterval ${m.aaa.idleTimeoutMinutes * 60}`,
    'ClientAliveCountMax 0',
    `MaxAuthTries ${m.aaa.lockout.retries}`,
    `Banner ${o.bannerPath}`,
    '',
  ].join('\n');
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
    'snmpd.conf': snmpd(m, device, opts),
    'chrony.conf': chrony(m),
    'rsyslog.conf': rsyslog(m),
    banner: `${[`${device.hostname}:`, ...m.banner].join('\n')}\n`,
  };
}
