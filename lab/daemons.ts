/**
 * The processes of one lab device: FRR (zebra, ospfd, ospf6d, staticd) as user frr, sshd for config
 * push and snmpd for monitoring — all inside the device's network namespace and one private mount
 * namespace where the device's own directories are bind-mounted on /run/frr, /etc/frr, /var/tmp and
 * /run/sshd, and a copy of /etc/passwd on /etc/passwd (root's home is the device's own). Every pid
 * file lives under the lab's state dir: that path in a process's command line is its label. What a
 * daemon must read in clear (/etc/frr and /var/tmp of FRR, snmpd's config and store) comes from the
 * lab's runtime dir on tmpfs instead (lab/runtime-dir.ts), so the state dir holds no secret value.
 *
 * Works wherever the state dir lives and on a host where no FRR service ever ran: every mount point
 * is created before it is bound (a fresh root or container has no /run/frr), and nothing is mounted
 * over a directory that could hold the state dir (root's home: mounting an empty home there hid the
 * device's own sshd log when the project was cloned into /root).
 */
import { chownSync, existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from './shell.js';
import { runtimeError } from '../lib/errors.js';
import { ensurePrivateDir, writePrivateFileIfChanged, writePrivateFileInPlace } from '../lib/private-files.js';
import { ensureKeyPair, type LabSecrets } from './secrets.js';
import type { DevicePaths } from './names.js';
import type { LabHostManagement } from './host/management.js';
import type { DeviceShadow } from './shadow.js';

// bfdd: BFD for OSPF/OSPFv3 (render feature bfd.ts); it starts before the routing daemons that register with it.
// vrrpd: VRRP on the LANs two routers serve (its macvlans come from lab/host/vrrp.ts).
const FRR_DAEMONS = ['zebra', 'bfdd', 'ospfd', 'ospf6d', 'staticd', 'vrrpd'] as const;
export const ALL_DAEMONS = [...FRR_DAEMONS, 'sshd', 'snmpd'] as const;
export type DaemonName = (typeof ALL_DAEMONS)[number];

export interface DeviceRuntime {
  device: string;
  hostname: string;
  site: string;
  ns: string;
  paths: DevicePaths;
  mgmtAddress: string;
  hostAddress: string;
}

let frrIds: { uid: number; gid: number } | undefined;
async function frrUser(): Promise<{ uid: number; gid: number }> {
  if (!frrIds) {
    const uid = Number((await run('id', ['-u', 'frr'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'frr'])).stdout.trim());
    frrIds = { uid, gid };
  }
  return frrIds;
}

/** What a device's files are made of, besides its own paths and names. */
export interface DeviceInputs {
  deployPublicKey: string;
  secrets: LabSecrets;
  trapSinkPort: number | undefined;
  /** The device's rendered management plane, secrets resolved (lab/host/management.ts). */
  management: LabHostManagement | undefined;
  /** Its /etc/shadow (lab/shadow.ts: kept when its users are unchanged, else made with the lab's others in one go). */
  shadow: DeviceShadow;
  /** The host's /etc/passwd, read once for the lab. */
  hostPasswd: string;
}

/** What `prepareDevice` made: the device's host key, and the daemons whose own config file it changed. */
export interface PreparedDevice {
  hostKey: string;
  /** sshd and snmpd read their config at start (and on SIGHUP) only: a running one must be told (`reloadDaemons`). */
  reload: ReloadableDaemon[];
}

/**
 * Write the device's files (configs, host key, authorized deploy key) — kept when already there.
 * `management`: the device's rendered management plane, secrets resolved (lab/host/management.ts);
 * its sshd and snmpd lines, banner and local users are what the device runs. Without one (an
 * inventory with no management.yaml) the lab's own minimal sshd and snmpd files are written.
 * A file that already holds its bytes is not written again (a redeploy changes nothing on disk).
 */
export async function prepareDevice(d: DeviceRuntime, inputs: DeviceInputs): Promise<PreparedDevice> {
  const { management, shadow } = inputs;
  const p = d.paths;
  // Every folder 0700 from creation, whatever the umask. FRR's three (bound on /run/frr, /etc/frr,
  // /var/tmp) are then given to user frr, which reaches them through those mount points only, never
  // through the state dir; sshd and snmpd run as root.
  // etc, tmp and snmp are in the lab's runtime dir (tmpfs, lab/runtime-dir.ts: made ready by bringUp), the rest in the state dir.
  for (const dir of [p.dir, p.runtime, p.run, p.etc, p.tmp, p.sshdRun, p.home, p.ssh, p.snmp, p.pids, p.faillock, join(p.snmp, 'persist')])
    ensurePrivateDir(dir);
  const { uid, gid } = await frrUser();
  const giveFrr = (path: string) => {
    const st = statSync(path);
    if (st.uid !== uid || st.gid !== gid) chownSync(path, uid, gid);
  };
  for (const dir of [p.run, p.etc, p.tmp]) giveFrr(dir);
  // In place (a running device's daemons read these paths) and 0600 from creation; frr.conf holds OSPF keys.
  await writePrivateFileIfChanged(join(p.etc, 'vtysh.conf'), 'service integrated-vtysh-config\n');
  await writePrivateFileIfChanged(join(p.etc, 'daemons'), FRR_DAEMONS.map((x) => `${x}=yes`).join('\n') + '\nvtysh_enable=yes\n');
  if (!existsSync(join(p.etc, 'frr.conf'))) await writePrivateFileInPlace(join(p.etc, 'frr.conf'), `hostname ${d.hostname}\n`);
  await writePrivateFileIfChanged(join(p.etc, 'boot.conf'), `hostname ${d.hostname}\n`); // what every FRR daemon starts on
  for (const f of ['vtysh.conf', 'daemons', 'frr.conf', 'boot.conf']) giveFrr(join(p.etc, f));
  await writeUnlessHolds(join(p.etc, 'reset.sh'), resetScript(), 0o700); // run by root inside the device
  const users = management?.users ?? [];
  // 0644 on purpose, the one loose file: it is bound over /etc/passwd inside the device, where every
  // user (frr, the rendered netadmin) must resolve names; it holds the host's passwd (no hashes) and
  // sits in this 0700 folder, so on the host only root reaches it.
  await writeUnlessHolds(p.passwd, devicePasswd(inputs.hostPasswd, p.home, users), 0o644);
  // Only the rendered users' hashes: the host's own shadow is never copied into the state dir. The
  // fingerprint goes after the shadow: it never vouches for a shadow that was not written.
  await writePrivateFileIfChanged(p.shadow, shadow.text);
  await writePrivateFileIfChanged(p.shadowFingerprint, `${shadow.fingerprint}\n`);
  const hostKey = await ensureKeyPair(p.hostKey, `${d.device} host key`);
  await writePrivateFileIfChanged(join(p.ssh, 'authorized_keys'), inputs.deployPublicKey + '\n');
  if (management) await writePrivateFileIfChanged(join(p.ssh, 'banner'), management.banner);
  // The rendered PAM stack: sshd authenticates the local users through it (pam_faillock locks after
  // the inventory's retries). Written in place: a running device has the files bound (same inode).
  if (management?.pam.sshd) {
    await writePrivateFileIfChanged(p.pamSshd, management.pam.sshd);
    await writePrivateFileIfChanged(p.faillockConf, management.pam.faillock);
  } else for (const f of [p.pamSshd, p.faillockConf]) await rm(f, { force: true });
  // The banner, PAM stack, authorized keys, passwd and shadow are read at each login: only these two need a reload.
  const reload: ReloadableDaemon[] = [];
  if (await writePrivateFileIfChanged(join(p.ssh, 'sshd_config'), sshdConfig(d, management))) reload.push('sshd');
  if (await writePrivateFileIfChanged(join(p.snmp, 'snmpd.conf'), snmpdConfig(d, inputs.secrets, inputs.trapSinkPort, management))) reload.push('snmpd');
  return { hostKey, reload };
}

type ReloadableDaemon = 'sshd' | 'snmpd';

/**
 * How each re-reads its config in place (pid, listening socket's address and, for snmpd, its engine
 * boots kept): SIGHUP. sshd re-executes itself with its command line and logs "Server listening"
 * when it answers again; snmpd re-reads snmpd.conf (its createUser lines win over the users its
 * persistent store holds, so a changed key takes, the old one is refused) and logs "restarted".
 * The log line is what the reload waits for, so the deploy's next step meets the new config.
 */
const RELOAD: Record<ReloadableDaemon, { log: (d: DeviceRuntime) => string; ready: RegExp }> = {
  sshd: { log: (d) => join(d.paths.ssh, 'sshd.log'), ready: /Server listening on/ },
  snmpd: { log: (d) => join(d.paths.snmp, 'snmpd.log'), ready: /NET-SNMP version \S+ restarted/ },
};

/**
 * Make the running `names` of the device read their changed config (a daemon not running starts
 * on it anyway). sshd's config is checked first (`sshd -t`): a config it would refuse must not
 * take the device's SSH down; it is a runtime error naming the device. Returns what it reloaded.
 */
export async function reloadDaemons(d: DeviceRuntime, names: readonly ReloadableDaemon[], timeoutMs = 10_000): Promise<ReloadableDaemon[]> {
  const done: ReloadableDaemon[] = [];
  for (const name of names) {
    const pid = await readPid(pidFile(d, name));
    if (!alive(pid)) continue;
    if (name === 'sshd') {
      const t = await run('/usr/sbin/sshd', ['-t', '-f', join(d.paths.ssh, 'sshd_config')], { allowFail: true });
      if (t.code !== 0)
        throw runtimeError('E_LAB_RELOAD', `${d.device}: sshd refuses its new config: ${t.stderr.trim().split('\n')[0]}`, 'the running sshd keeps the old one');
    }
    const log = RELOAD[name].log(d);
    const from = await readFile(log).then(
      (b) => b.length,
      () => 0,
    );
    process.kill(pid!, 'SIGHUP');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tail = await readFile(log).then(
        (b) => b.subarray(from).toString('utf8'),
        () => '',
      );
      if (RELOAD[name].ready.test(tail)) break;
      if (!alive(pid) || Date.now() > deadline)
        throw runtimeError('E_LAB_RELOAD', `${d.device}: ${name} did not come back within ${timeoutMs} ms of its reload`, `see ${log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    done.push(name);
  }
  return done;
}

/** A file whose mode is set on creation (writeFile keeps an existing file's), written only when its bytes differ. */
async function writeUnlessHolds(file: string, text: string, mode: number): Promise<void> {
  const now = await readFile(file, 'utf8').catch(() => undefined);
  if (now !== text) await writeFile(file, text, { mode });
}

/**
 * One FRR daemon started on the hostname alone (boot.conf, written by prepareDevice); its config
 * comes by one vtysh pass after. Paths are the in-namespace ones: user frr may not traverse the
 * state dir (mkdtemp makes it 0700), but the bind-mounted directories are its own.
 */
const startFrrDaemon = (name: string) =>
  // -A: the vty (telnet, no encryption) answers on the device's loopback only; operators come in over SSH
  `/usr/lib/frr/${name} -d -A 127.0.0.1 -u frr -g frr -i /run/frr/${name}.pid -f /etc/frr/boot.conf --log file:/var/tmp/${name}.log${name === 'zebra' ? ' -s 16777216' : ''}`;

/**
 * Commit by replacement: restart FRR empty and load a whole config in one vtysh pass. Used for
 * commits and rollbacks alike. frr-reload.py (8.4) was tried first: it sends one vtysh call per
 * changed line, takes minutes to roll a full config back on a busy host, and fails on some
 * interface stanzas ("Failure to communicate to ospf6d, line: interface up0"); a restart takes a
 * second and the lab's fast timers re-form adjacencies within a few more. Runs inside the device.
 */
function resetScript(): string {
  return [
    '#!/bin/sh',
    '# usage: reset.sh [CONFIG] — restart FRR empty, then apply CONFIG (if given) in one vtysh pass.',
    `for d in ${[...FRR_DAEMONS].reverse().join(' ')}; do`,
    '  pid=$(cat /run/frr/$d.pid 2>/dev/null) || continue',
    '  kill $pid 2>/dev/null || continue',
    '  i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done',
    '  kill -9 $pid 2>/dev/null || true',
    'done',
    ...FRR_DAEMONS.map(startFrrDaemon),
    'if [ -n "$1" ]; then vtysh -f "$1"; fi',
    '',
  ].join('\n');
}

/** First uid of the rendered local users inside a device (above what Debian allocates to people). */
const DEVICE_USER_UID = 64000;

/**
 * The host's passwd with root's home pointed at the device's own, and the rendered local users
 * (netadmin, noc-ro) added with uids of their own (the file is bound over /etc/passwd inside the device).
 */
function devicePasswd(hostPasswd: string, home: string, users: ReadonlyArray<{ name: string }>): string {
  const hostUsers = new Set(hostPasswd.split('\n').map((l) => l.split(':')[0]));
  const lines = hostPasswd
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(':');
      if (f[0] !== 'root' || f.length < 7) return line;
      f[5] = home;
      return f.join(':');
    });
  users.forEach((u, i) => {
    if (!hostUsers.has(u.name)) lines.push(`${u.name}:x:${DEVICE_USER_UID + i}:${DEVICE_USER_UID + i}:stacks device user:${home}:/bin/sh`);
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The lab's own lines (host key, pid file, the deploy key, root by key only) and then the rendered
 * ones: ListenAddress on the management address, AllowUsers, idle timeout, MaxAuthTries, banner.
 * sshd takes the first value of a keyword, so a rendered line never overrides a lab one or the
 * reverse: the two sets share no keyword (UsePAM is the lab's only without rendered lines).
 */
function sshdConfig(d: DeviceRuntime, management?: LabHostManagement): string {
  const p = d.paths;
  return [
    ...(management ? management.sshd : [`ListenAddress ${d.mgmtAddress}`]),
    `HostKey ${p.hostKey}`,
    `PidFile ${join(p.pids, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(p.ssh, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    // The rendered local users log in with their passwords (checked against the device's shadow).
    `PasswordAuthentication ${management?.users.length ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    // The rendered lines say `UsePAM yes` (with the rendered PAM stack bound in the device); the
    // lab's minimal sshd, without a management plane, checks its keys alone.
    ...(management ? [] : ['UsePAM no']),
    // The state dir may sit under /tmp with loose modes; the key files themselves are 0600.
    'StrictModes no',
    'PrintMotd no',
    'UseDNS no',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

/**
 * The rendered snmpd.conf (agentAddress on the management address, the SNMPv3 authPriv users,
 * sysName/Location/Contact) when the device has one, else the lab's own SNMPv3 user; then the
 * lab's additions. A v2c community only when the lab was deployed with --v2c, and then only from
 * the host's end of the management link. With a trap sink port, snmpd's DisMan monitor checks
 * ifOperStatus every second and sends linkDown/linkUp to that port on the host's end of the
 * device's own management link (the only address a device namespace can reach), as SNMPv3
 * authPriv with the poller user — always v3, even with --v2c: the daemon's receiver admits the
 * credentials it polls with (v3 by default) and, besides, the secrets' v2c community if any.
 * Numeric OIDs: Debian ships no IF-MIB and snmpd runs with `-m ''`. The internal user the monitor
 * queries with is `rouser … auth`: mteTrigger's internal queries are authNoPriv, so an
 * authpriv-only rouser makes every check fail with "no access" and no trap is ever sent.
 */
function snmpdConfig(d: DeviceRuntime, secrets: LabSecrets, trapSinkPort?: number, management?: LabHostManagement): string {
  const s = secrets.snmp;
  const v3 = management?.poller ?? { user: s.user, authProtocol: 'sha', authKey: s.authKey, privProtocol: 'aes', privKey: s.privKey };
  const lines = management
    ? management.snmpd.split('\n').filter(Boolean)
    : [
        `agentAddress udp:${d.mgmtAddress}:161`,
        `createUser ${s.user} SHA "${s.authKey}" AES "${s.privKey}"`,
        `rouser ${s.user} authpriv`,
        `sysName ${d.hostname}`,
        `sysLocation ${d.site}`,
        'sysContact noc@stacks.lab',
      ];
  if (s.community) lines.push(`rocommunity ${s.community} ${d.hostAddress}/32`);
  if (trapSinkPort) {
    const ifTable = '.1.3.6.1.2.1.2.2.1';
    const sink = `${d.hostAddress}:${trapSinkPort}`;
    const auth = NET_SNMP_AUTH[v3.authProtocol] ?? 'SHA';
    const priv = NET_SNMP_PRIV[v3.privProtocol] ?? 'AES';
    lines.push(
      `trapsess -v 3 -u ${v3.user} -l authPriv -a ${auth} -A ${v3.authKey} -x ${priv} -X ${v3.privKey} ${sink}`,
      'iquerySecName stacksInternal',
      'agentSecName stacksInternal',
      `createUser stacksInternal ${auth} "${v3.authKey}" ${priv} "${v3.privKey}"`,
      'rouser stacksInternal auth',
      `notificationEvent stxLinkUp .1.3.6.1.6.3.1.1.5.4 ${ifTable}.1 ${ifTable}.7 ${ifTable}.8`,
      `notificationEvent stxLinkDown .1.3.6.1.6.3.1.1.5.3 ${ifTable}.1 ${ifTable}.7 ${ifTable}.8`,
      `monitor -r 1 -e stxLinkUp "linkUp" ${ifTable}.8 != 2`,
      `monitor -r 1 -e stxLinkDown "linkDown" ${ifTable}.8 == 2`,
    );
  }
  return lines.join('\n') + '\n';
}

/** net-snmp's names for the protocols the poller credentials name. */
const NET_SNMP_AUTH: Record<string, string> = { sha: 'SHA', sha256: 'SHA-256' };
const NET_SNMP_PRIV: Record<string, string> = { aes: 'AES' };

const pidFile = (d: DeviceRuntime, name: DaemonName) =>
  name === 'sshd' || name === 'snmpd' ? join(d.paths.pids, `${name}.pid`) : join(d.paths.run, `${name}.pid`);

export async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    // A zombie still answers kill(0) but is no longer running.
    return !/State:\s+Z/.test(readStatus(pid));
  } catch {
    return false;
  }
}

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

export async function daemonStates(d: DeviceRuntime): Promise<Record<DaemonName, number | undefined>> {
  const out = {} as Record<DaemonName, number | undefined>;
  for (const name of ALL_DAEMONS) {
    const pid = await readPid(pidFile(d, name));
    out[name] = alive(pid) ? pid : undefined;
  }
  return out;
}

/**
 * A device an older version set up kept its clear files (frr.conf with the OSPF keys, snmpd.conf)
 * under the state dir, and its running daemons still see that folder on /etc/frr. Stop them and
 * remove those files: the daemons start again on the runtime dir and the deploy pushes the device
 * as a fresh one. True when there was anything to retire.
 */
export async function retireStateDirFiles(d: DeviceRuntime): Promise<boolean> {
  const legacy = ['etc', 'tmp', 'snmp', 'start.log'].map((f) => join(d.paths.dir, f)).filter((f) => existsSync(f));
  if (legacy.length === 0) return false;
  const pids = Object.values(await daemonStates(d)).filter((p): p is number => p !== undefined);
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
  for (const f of legacy) await rm(f, { recursive: true, force: true });
  return true;
}

/** Start whichever of the device's daemons are not running (all of them on a fresh device). */
export async function startDevice(d: DeviceRuntime): Promise<DaemonName[]> {
  const states = await daemonStates(d);
  const missing = ALL_DAEMONS.filter((n) => states[n] === undefined);
  if (missing.length === 0) return [];
  const p = d.paths;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const steps = [
    // Mount points are created here, never assumed: /run/frr exists only where the FRR service ran.
    'mkdir -p /run/frr /etc/frr /var/tmp /run/sshd',
    `mount --bind ${q(p.run)} /run/frr`,
    `mount --bind ${q(p.etc)} /etc/frr`,
    `mount --bind ${q(p.tmp)} /var/tmp`,
    `mount --bind ${q(p.sshdRun)} /run/sshd`,
    `mount --bind ${q(p.passwd)} /etc/passwd`,
    `mount --bind ${q(p.shadow)} /etc/shadow`,
  ];
  // The rendered PAM stack over the host's, and a tally folder of the device's own. The host's
  // /etc/pam.d/sshd (openssh-server) and /etc/security/faillock.conf (libpam-modules) are mount
  // points only, never written; a host without them gets a clear error, not an unlocked device.
  if (existsSync(p.pamSshd)) {
    for (const [file, target] of [
      [p.pamSshd, '/etc/pam.d/sshd'],
      [p.faillockConf, '/etc/security/faillock.conf'],
    ] as const) {
      if (!existsSync(target))
        throw runtimeError(
          'E_LAB_START',
          `${d.device}: ${target} is missing on this host: the rendered PAM stack has nowhere to go`,
          'apt-get install openssh-server libpam-modules',
        );
      steps.push(`mount --bind ${q(file)} ${target}`);
    }
    steps.push('mkdir -p /run/faillock', `mount --bind ${q(p.faillock)} /run/faillock`);
  }
  for (const name of missing) {
    if (name === 'sshd') steps.push(`/usr/sbin/sshd -f ${q(join(p.ssh, 'sshd_config'))} -E ${q(join(p.ssh, 'sshd.log'))}`);
    else if (name === 'snmpd') {
      // -I -smux: no SMUX sub-agent port (TCP 199 on every address by default); nothing here speaks SMUX
      steps.push(
        `SNMP_PERSISTENT_DIR=${q(join(p.snmp, 'persist'))} /usr/sbin/snmpd -C -I -smux -m '' -c ${q(join(p.snmp, 'snmpd.conf'))} -p ${q(pidFile(d, 'snmpd'))} -Lf ${q(join(p.snmp, 'snmpd.log'))}`,
      );
    } else {
      // The confirmed config (just the hostname on a fresh device: the deploy pushes the rest) is
      // applied by one vtysh pass below, as reset.sh does. A daemon given the integrated frr.conf
      // with -f parses every line itself: ospfd 8.4 has no `key chain` node, so the OSPFv3 key
      // chain's `exit` leaves its config mode and it drops every line after it, `router ospf` included.
      steps.push(startFrrDaemon(name));
    }
  }
  if (missing.some((n) => (FRR_DAEMONS as readonly string[]).includes(n))) steps.push('vtysh -f /etc/frr/frr.conf');
  // Daemons keep whatever stdio they inherit: point it at a log file, or the pipe back to us stays
  // open for as long as they live and the start would never return.
  const log = p.startLog;
  // umask 077 first: the start log and whatever the daemons create with the mode they inherit (pid
  // files, snmpd's log and persistent store) are private from creation. reset.sh restarts FRR under
  // the driver's umask 077 (drivers/frr/driver.ts).
  const script = ['umask 077', 'exec </dev/null >>' + q(log) + ' 2>&1', ...steps].join('\n');
  const r = await run('ip', ['netns', 'exec', d.ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-ec', script], { allowFail: true });
  if (r.code !== 0) {
    const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
    throw runtimeError('E_LAB_START', `${d.device}: starting ${missing.join(', ')} failed (exit ${r.code}): ${tail}`, `see ${log}`);
  }
  return missing;
}
