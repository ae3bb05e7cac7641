/**
 * A lab device's management plane as the inventory renders it (network/render/linux-management.ts):
 * its sshd and snmpd files are the rendered ones with the lab's own lines around them, and the
 * monitoring daemon polls with the rendered SNMPv3 user. The `{{secret:…}}` references are resolved
 * here, at deploy, from the sealed network secret store (lib/secret-refs.ts: SNMPv3 keys and local
 * passwords generated on first need, sealed before any device holds them); the resolved text is
 * written only into the device's own 0600 files, never into the synthesized tree, a log or argv.
 *
 * In the lab the host's end of each device's management link is the NOC station: the rendered
 * files admit it besides the inventory's management networks (`extraStations`), and the deploy
 * logs in there as root with its key (`automationUser`).
 */
import { join } from 'node:path';
import { renderHostManagement } from '../../network/render/linux-management.js';
import { managementFor, ref, type ManagementSettings } from '../../network/management.js';
import { runtimeError } from '../../lib/errors.js';
import { resolveForDeploy, resolveSecretRefs, type SecretLookup, type SecretStore } from '../../lib/secret-refs.js';
import { findSecretRefs } from '../../lib/secret-ref-token.js';
import type { Device, Topology } from '../../network/types.js';
import type { SnmpCredentials } from '../../monitors/types.js';
import type { DevicePaths } from '../names.js';

export interface LabManagementAddresses {
  /** The device's end of its management link: sshd and snmpd listen there. */
  mgmtAddress: string;
  /** The host's end: the lab's NOC station. */
  hostAddress: string;
}

/** The rendered host files with the references still in them (what the synthesized tree would hold). */
export function renderedLabHostFiles(topology: Topology, device: Device, at: LabManagementAddresses, paths: Pick<DevicePaths, 'ssh'>) {
  return renderHostManagement(topology, device, {
    listenAddress: at.mgmtAddress,
    extraStations: [at.hostAddress],
    automationUser: 'root',
    bannerPath: join(paths.ssh, 'banner'),
  });
}

export interface LabHostManagement {
  /** The rendered sshd_config lines (they hold no secret). */
  sshd: string[];
  /** The rendered snmpd.conf, references resolved. */
  snmpd: string;
  banner: string;
  /** The rendered PAM stack of sshd and its faillock.conf (no secret in either). */
  pam: { sshd: string; faillock: string };
  /** The rendered local users with their passwords resolved (for the device's own shadow file). */
  users: Array<{ name: string; password: string }>;
  /** The poller's SNMPv3 credentials as the rendered agent config states them, keys resolved. */
  poller?: V3;
}

const AUTH: Record<string, V3['authProtocol']> = { SHA: 'sha', 'SHA-256': 'sha256' };
const PRIV: Record<string, V3['privProtocol']> = { AES: 'aes' };

/** The poller user's line of a rendered snmpd.conf: name, protocols and key references. */
function pollerOf(snmpd: string, name: string): { user: string; auth: string; authRef: string; priv: string; privRef: string } | undefined {
  for (const line of snmpd.split('\n')) {
    const m = /^createUser (\S+) (\S+) "([^"]+)" (\S+) "([^"]+)"$/.exec(line);
    if (m && m[1] === name) return { user: m[1], auth: m[2]!, authRef: m[3]!, priv: m[4]!, privRef: m[5]! };
  }
  return undefined;
}

type V3 = Extract<SnmpCredentials, { version: 'v3' }>;

/** The poller user (management.yaml `poller: true`) as the rendered snmpd.conf creates it, keys resolved from `lookup`. */
function pollerFrom(m: ManagementSettings, snmpd: string, lookup: SecretLookup, where: string): V3 | undefined {
  const name = m.snmp.users.find((u) => u.poller)?.name;
  const line = name ? pollerOf(snmpd, name) : undefined;
  const auth = line && AUTH[line.auth];
  const priv = line && PRIV[line.priv];
  if (!line || !auth || !priv) return undefined;
  const key = (text: string) => {
    if (findSecretRefs(text).length !== 1) throw runtimeError('E_SNMP_POLLER', `${where}: the poller's key in snmpd.conf is not one secret reference`);
    return resolveSecretRefs(text, lookup, { where, hint: 'deploy the lab again: the deploy generates the SNMPv3 keys' });
  };
  return { version: 'v3', user: line.user, authProtocol: auth, authKey: key(line.authRef), privProtocol: priv, privKey: key(line.privRef) };
}

/**
 * The monitoring daemon's credentials for a deployed lab device: its rendered agent config's poller
 * user, the keys read (never generated) from the store. Undefined without a management plane.
 */
export function labPollerCredentials(
  topology: Topology,
  device: Device,
  at: LabManagementAddresses,
  paths: Pick<DevicePaths, 'ssh'>,
  lookup: SecretLookup,
): V3 | undefined {
  const m = managementFor(topology, device);
  const files = renderedLabHostFiles(topology, device, at, paths);
  return m && files ? pollerFrom(m, files['snmpd.conf'] ?? '', lookup, `${device.id} (rendered snmpd.conf)`) : undefined;
}

/**
 * The device's management files from its rendered management plane, secrets resolved from `store`
 * (generated and sealed when missing); undefined when the inventory declares no management plane.
 */
export function labHostManagement(
  topology: Topology,
  device: Device,
  at: LabManagementAddresses,
  paths: Pick<DevicePaths, 'ssh'>,
  store: SecretStore,
): LabHostManagement | undefined {
  const m = managementFor(topology, device);
  const files = renderedLabHostFiles(topology, device, at, paths);
  if (!m || !files) return undefined;
  const snmpdText = files['snmpd.conf'] ?? '';
  const where = `${device.id} (host management files)`;
  const [snmpd, ...passwords] = resolveForDeploy(store, [
    { where: `${where} snmpd.conf`, text: snmpdText },
    ...m.aaa.localUsers.map((u) => ({ where: `${where} user ${u.name}`, text: ref(u.password) })),
  ]);
  const poller = pollerFrom(m, snmpdText, store, where);
  return {
    sshd: (files.sshd_config ?? '').split('\n').filter(Boolean),
    snmpd: snmpd!,
    banner: files.banner ?? '',
    pam: { sshd: files['pam-sshd'] ?? '', faillock: files['faillock.conf'] ?? '' },
    users: m.aaa.localUsers.map((u, i) => ({ name: u.name, password: passwords[i]! })),
    ...(poller ? { poller } : {}),
  };
}
