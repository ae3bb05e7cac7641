/**
 * Test and bench support (not product code: it lives under test/): hosts for trying a migration for real on this machine: each host (a department server, a VM in
 * the cloud centre, a client) is a network namespace on a private bridge, running its own OpenSSH
 * sshd with a generated host key (pinned in a known_hosts file) and the run's key authorized. Built
 * from the lab's primitives (lab/shell run/ipBatch, lab/secrets ensureKeyPair, lab/daemons
 * readPid/alive); the lab's own device runtime starts FRR and snmpd too, which a server does not need.
 *
 * Everything is labelled: namespaces `stm-<id>-<host>`, the bridge and veths `stm<id>…`, files under
 * the given directory, so `destroyMigrationLab` and `migrationLabLeftovers` find them after a crash.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ipBatch, run, sleep } from '../../lab/shell.js';
import { ensureKeyPair } from '../../lab/secrets.js';
import { alive, readPid } from '../../lab/daemons.js';
import { runtimeError } from '../../lib/errors.js';
import { removeNameServerKeys } from '../../lab/name-server.js';

export interface LabHost {
  name: string;
  ns: string;
  address: string;
  dir: string;
}

export interface MigrationLab {
  id: string;
  dir: string;
  bridge: string;
  hosts: LabHost[];
  /** The run's private key (authorized on every host). */
  identity: string;
  publicKey: string;
  knownHosts: string;
}

const labNsPrefix = (id: string) => `stm-${id}-`;
const bridgeName = (id: string) => `stm${id}br`;
const vethName = (id: string, i: number) => `stm${id}v${i}`;

/**
 * Create namespaces `names` on a bridge with `subnet` (a /24 given as its first three octets, e.g.
 * `169.254.200`: link-local, never routed off this host); the bridge takes .1, hosts .11 upwards.
 */
export async function createMigrationLab(opts: { id: string; dir: string; hosts: string[]; subnet: string }): Promise<MigrationLab> {
  if (!/^[a-z][a-z0-9]{0,5}$/.test(opts.id)) throw runtimeError('E_LAB_ID', `lab id "${opts.id}" must be 1–6 lower-case letters/digits`);
  await mkdir(opts.dir, { recursive: true });
  const identity = join(opts.dir, 'id_ed25519');
  const pub = await ensureKeyPair(identity, `stacks migrate ${opts.id}`);
  const lab: MigrationLab = {
    id: opts.id,
    dir: opts.dir,
    bridge: bridgeName(opts.id),
    hosts: [],
    identity,
    publicKey: pub,
    knownHosts: join(opts.dir, 'known_hosts'),
  };
  await ipBatch([`link add ${lab.bridge} type bridge`, `addr add ${opts.subnet}.1/24 dev ${lab.bridge}`, `link set ${lab.bridge} up`]);
  const known: string[] = [];
  for (const [i, name] of opts.hosts.entries()) {
    const host: LabHost = { name, ns: `${labNsPrefix(opts.id)}${name}`, address: `${opts.subnet}.${11 + i}`, dir: join(opts.dir, name) };
    lab.hosts.push(host);
    await run('ip', ['netns', 'add', host.ns]);
    await ipBatch([
      `link add ${vethName(opts.id, i)} type veth peer name eth0 netns ${host.ns}`,
      `link set ${vethName(opts.id, i)} master ${lab.bridge}`,
      `link set ${vethName(opts.id, i)} up`,
    ]);
    await ipBatch(['link set lo up', `addr add ${host.address}/24 dev eth0`, 'link set eth0 up'], host.ns);
    const hostKey = await startSshd(host, pub);
    known.push(`${host.address} ${hostKey.split(/\s+/).slice(0, 2).join(' ')}`);
  }
  await writeFile(lab.knownHosts, known.join('\n') + '\n');
  await Promise.all(lab.hosts.map((h) => waitForPort(h, 22)));
  return lab;
}

/**
 * sshd inside the host's namespace with a private /run/sshd and its own empty /root (bind mounts in
 * its own mount namespace): a server has its own home, and this machine's root shell start-up files
 * (which may take seconds, e.g. `pyenv init`) do not run on every SSH command.
 */
export async function startSshd(h: LabHost, authorizedKey: string): Promise<string> {
  const ssh = join(h.dir, 'ssh');
  await mkdir(join(ssh, 'run'), { recursive: true });
  await mkdir(join(h.dir, 'home'), { recursive: true });
  const hostKey = await ensureKeyPair(join(ssh, 'ssh_host_ed25519_key'), `${h.name} host key`);
  await writeFile(join(ssh, 'authorized_keys'), authorizedKey + '\n', { mode: 0o600 });
  await writeFile(
    join(ssh, 'sshd_config'),
    [
      `ListenAddress ${h.address}`,
      `HostKey ${join(ssh, 'ssh_host_ed25519_key')}`,
      `PidFile ${join(ssh, 'sshd.pid')}`,
      // the run's key, and the per-system replication keys a migration authorizes in ~/.ssh
      `AuthorizedKeysFile ${join(ssh, 'authorized_keys')} .ssh/authorized_keys`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'MaxSessions 64',
      'MaxStartups 64:30:128',
      '',
    ].join('\n'),
  );
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  await run('ip', [
    'netns',
    'exec',
    h.ns,
    'unshare',
    '-m',
    '--propagation',
    'private',
    'sh',
    '-ec',
    `mkdir -p /run/sshd && mount --bind ${q(join(ssh, 'run'))} /run/sshd && mount --bind ${q(join(h.dir, 'home'))} /root && /usr/sbin/sshd -f ${q(join(ssh, 'sshd_config'))} -E ${q(join(ssh, 'sshd.log'))}`,
  ]);
  return hostKey;
}

/** Stop a host's sshd (to try what a run does when a host is unreachable for a while). */
export async function stopSshd(h: LabHost): Promise<void> {
  const pid = await readPid(join(h.dir, 'ssh', 'sshd.pid'));
  if (alive(pid)) process.kill(pid!, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
}

export async function waitForPort(h: LabHost, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await run('ip', ['netns', 'exec', h.ns, 'sh', '-c', `ss -Hltn 'sport = :${port}' | grep -q .`], { allowFail: true });
    if (r.code === 0) return;
    await sleep(50);
  }
  throw runtimeError('E_LAB_SSHD', `sshd on ${h.name} (${h.address}) did not start listening`);
}

/** Run a command inside a host's namespace (test clients, seeding data). */
export function inHost(h: LabHost, cmd: string, args: readonly string[]) {
  return run('ip', ['netns', 'exec', h.ns, cmd, ...args], { allowFail: true });
}

/** Kill every process in the lab's namespaces, delete them, the bridge and the files. */
export async function destroyMigrationLab(id: string, dir?: string): Promise<void> {
  const all = (await run('ip', ['netns', 'list'], { allowFail: true })).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(labNsPrefix(id)));
  for (const ns of all) {
    const pids = (await run('ip', ['netns', 'pids', ns], { allowFail: true })).stdout
      .split('\n')
      .map(Number)
      .filter((p) => p > 0);
    for (const p of pids)
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    for (let i = 0; i < 50 && pids.some((p) => alive(p)); i++) await sleep(20);
    await run('ip', ['netns', 'del', ns], { allowFail: true });
    await rm(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  // A namespace's veth pairs are torn down by the kernel's netns cleanup, which runs later and lags on
  // a loaded host: delete the host ends (ours by their label) ourselves and wait until none is left.
  for (let i = 0; i < 100; i++) {
    const left = await labLinks(id);
    if (left.length === 0) break;
    for (const l of left) await run('ip', ['link', 'del', l], { allowFail: true });
    await sleep(50);
  }
  if (dir) {
    // the TSIG key of a name server started under dir (kept on tmpfs, lab/name-server.ts), whether or not it was stopped
    await removeNameServerKeys(dir);
    const pid = await readPid(join(dir, 'sshd.pid'));
    if (alive(pid)) process.kill(pid!, 'SIGKILL');
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}

/** The host's links that carry the lab's label: its bridge and the host ends of its veths. */
async function labLinks(id: string): Promise<string[]> {
  return (await run('ip', ['-o', 'link', 'show'], { allowFail: true })).stdout
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => n === bridgeName(id) || new RegExp(`^${vethName(id, 0).slice(0, -1)}\\d+$`).test(n));
}

/** What of a lab is still on this host: namespaces, links and processes carrying its label. */
export async function migrationLabLeftovers(id: string): Promise<{ namespaces: string[]; links: string[]; processes: string[] }> {
  const namespaces = (await run('ip', ['netns', 'list'], { allowFail: true })).stdout
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(labNsPrefix(id)));
  const links = await labLinks(id);
  const processes = (await run('ps', ['-eo', 'pid,args'], { allowFail: true })).stdout
    .split('\n')
    .filter((l) => l.includes(`stm-${id}-`) || l.includes(`/stacks-mig-${id}`));
  return { namespaces, links, processes };
}
