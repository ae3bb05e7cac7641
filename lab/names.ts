/**
 * Deterministic names and addresses of everything a lab creates on this host. Every namespace starts
 * with `stx-<lab>-` and every host-side interface with `stx<lab>m`, so `stacks destroy` can find
 * leftovers by name alone, even when the state file is gone after a crash.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { inputError } from '../lib/errors.js';

/** Lab ids are short so that host-side interface names stay within Linux's 15 characters. */
const LAB_ID_PATTERN = /^[a-z][a-z0-9]{0,5}$/;
export const DEFAULT_LAB_ID = 'lab';

export function checkLabId(id: string): string {
  if (!LAB_ID_PATTERN.test(id)) {
    throw inputError('E_LAB_ID', '--lab', 'lab', `lab id "${id}" must match ${LAB_ID_PATTERN} (it prefixes interface names limited to 15 characters)`);
  }
  return id;
}

export const nsPrefix = (lab: string): string => `stx-${lab}-`;
export const deviceNs = (lab: string, device: string): string => `${nsPrefix(lab)}${device}`;
/** The namespace standing for "the internet" behind the exits (holds `topology.exit.upstream`). */
export const internetNs = (lab: string): string => `${nsPrefix(lab)}internet`;
/** Host-side end of a device's management veth: `stx<lab>m<slot>`, at most 3+6+1+4 = 14 chars. */
export const hostMgmtIf = (lab: string, slot: number): string => `stx${lab}m${slot}`;
export const hostMgmtPrefix = (lab: string): string => `stx${lab}m`;
/** Inside every device namespace the management interface has the same name. */
export const MGMT_IF = 'mgmt0';
/** The peer of a LAN interface: a veth end kept in the same namespace so the LAN has carrier. */
export const lanPeerIf = (name: string): string => `${name}-p`.slice(0, 15);
/** Interface names in the internet namespace facing exit number `n` (1-based). */
export const internetIf = (n: number): string => `exit${n}`;

/**
 * Management addressing. Each device gets a /31 between the host and its namespace, taken from the
 * IPv4 link-local range 169.254.64.0/18 (RFC 3927: never routed off a link, so never leaves the host;
 * 169.254.169.254 metadata lies outside it). Each lab id hashes to one /22 of it (512 devices).
 */
export const MGMT_RANGE = '169.254.64.0/18';
const MGMT_BASE = (169 << 24) | (254 << 16) | (64 << 8);
const MAX_DEVICES_PER_LAB = 511;

function labBlockIndex(lab: string): number {
  let h = 0;
  for (const c of lab) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 16;
}

export interface MgmtAddresses {
  host: string;
  device: string;
  /** The /22 the lab's management addresses come from. */
  block: string;
}

export function mgmtAddresses(lab: string, slot: number): MgmtAddresses {
  if (slot < 0 || slot >= MAX_DEVICES_PER_LAB) throw new RangeError(`management slot ${slot} out of range`);
  const block = MGMT_BASE + labBlockIndex(lab) * 1024;
  const host = block + 2 * slot;
  return { host: ipv4(host), device: ipv4(host + 1), block: `${ipv4(block)}/22` };
}

function ipv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The device runtime dir's base (lab/runtime-dir.ts: tmpfs, 0700); STACKS_RUNTIME_DIR moves it. */
export const RUNTIME_DIR_ENV = 'STACKS_RUNTIME_DIR';
export const runtimeBase = (): string => process.env[RUNTIME_DIR_ENV] || '/run/stacks';
/** A lab's runtime folder: the files its daemons read in clear (`devices/<id>/`), by lab id like its namespaces. */
export const labRuntimeDir = (lab: string): string => join(runtimeBase(), lab);
/** A name server's runtime folder (its TSIG key), named by the folder of its other files. */
export const nameServerRuntimeDir = (dir: string): string => join(runtimeBase(), `named-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`);

/** Where a lab keeps its files: under the state dir, and (what a daemon reads in clear) in its runtime dir. */
export function labPaths(stateDir: string, lab: string) {
  const root = join(stateDir, 'lab', lab);
  const runtime = labRuntimeDir(lab);
  return {
    root,
    runtime,
    state: join(root, 'state.json'),
    lock: join(root, 'deploy.lock'),
    secrets: join(root, 'secrets.json'),
    deployKey: join(root, 'deploy_key'),
    /** The built topology of the inventory last deployed or planned (lab/model-cache.ts). */
    model: join(root, 'model.cache'),
    device: (id: string) => deviceDirs(join(root, 'devices', id), join(runtime, 'devices', id)),
    devices: join(root, 'devices'),
  };
}

export type LabPaths = ReturnType<typeof labPaths>;

function deviceDirs(dir: string, runtime: string) {
  return {
    dir,
    /** The device's folder in the lab's runtime dir (tmpfs): what its daemons read in clear. */
    runtime,
    /** Bind-mounted on /run/frr inside the device (FRR sockets and pid files). */
    run: join(dir, 'run'),
    /** Bind-mounted on /etc/frr inside the device: frr.conf and the driver's files hold the OSPF keys (runtime dir). */
    etc: join(runtime, 'etc'),
    /** Bind-mounted on /var/tmp inside the device: FRR's logs, the driver's intended config (runtime dir). */
    tmp: join(runtime, 'tmp'),
    /** Bind-mounted on /run/sshd (privilege separation directory). */
    sshdRun: join(dir, 'sshd-run'),
    /**
     * Root's home inside the device: a command pushed over SSH runs in root's login shell, which
     * would otherwise source the host's ~/.bashrc (a pyenv init there costs seconds per command).
     * It is not mounted over the host's home (the state dir may live there: a clone in /root):
     * the device sees a copy of /etc/passwd (`passwd`) whose root entry points here.
     */
    home: join(dir, 'home'),
    passwd: join(dir, 'passwd'),
    /** Bound over /etc/shadow inside the device: the rendered local users' password hashes only. */
    shadow: join(dir, 'shadow'),
    /** The fingerprint of the users the shadow was made from (lab/shadow.ts); never bound into the device. */
    shadowFingerprint: join(dir, 'shadow.fp'),
    ssh: join(dir, 'ssh'),
    /** The rendered PAM stack of sshd (pam-sshd), bound over /etc/pam.d/sshd inside the device. */
    pamSshd: join(dir, 'ssh', 'pam-sshd'),
    /** The rendered faillock.conf, bound over /etc/security/faillock.conf inside the device. */
    faillockConf: join(dir, 'ssh', 'faillock.conf'),
    /**
     * pam_faillock's tally records, bound on /run/faillock: each device counts its own failures.
     * In the runtime dir (tmpfs), as /run/faillock is on a real host: a reboot forgets them.
     */
    faillock: join(runtime, 'faillock'),
    /** snmpd.conf (SNMPv3 passphrases), its persistent store and log (runtime dir). */
    snmp: join(runtime, 'snmp'),
    /** The daemons' start output (a rejected config line would be quoted there: runtime dir). */
    startLog: join(runtime, 'start.log'),
    hostKey: join(dir, 'ssh', 'ssh_host_ed25519_key'),
    pids: join(dir, 'pids'),
  };
}

export type DevicePaths = ReturnType<typeof deviceDirs>;
