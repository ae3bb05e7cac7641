/**
 * The device runtime dir: the files a real daemon must read in clear — FRR's /etc/frr (frr.conf and
 * the driver's candidate, rollback and commit scripts hold the OSPF keys), its /var/tmp (the
 * driver's intended config for drift), snmpd's config and persistent store (SNMPv3 passphrases and
 * the keys localized from them), the name server's TSIG key — live here and never under the state
 * dir, which holds only sealed secrets and references (issue 13: a copy or backup of the state dir
 * carries no secret value).
 *
 * `/run/stacks` (STACKS_RUNTIME_DIR moves it), one folder per lab id (`/run/stacks/<lab>`, as unique
 * on the host as the lab's namespaces) and one per name server (`/run/stacks/named-<hash>`), all
 * 0700. It must be tmpfs, so nothing of it outlives the host's memory: where /run is a tmpfs (a
 * systemd host) it already is; elsewhere (a container whose /run is on the image's disk) the lab
 * mounts a tmpfs there itself, 0700, once, under a host-wide flock so two deploys never mount twice.
 * The lab needs CAP_SYS_ADMIN anyway (namespaces, bind mounts). Device mount namespaces copy the
 * host's mounts when they start, so the tmpfs is mounted before any device starts, and it is never
 * unmounted: other labs' devices may use it. `stacks destroy` removes the lab's folder.
 *
 * Every folder is created here, never assumed (issue 12): a fresh root has no /run/stacks.
 */
import { existsSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './shell.js';
import { labRuntimeDir, RUNTIME_DIR_ENV, runtimeBase } from './names.js';
import { runtimeError } from '../lib/errors.js';
import { ensurePrivateDir, writePrivateFileAtomically } from '../lib/private-files.js';

const TMPFS_MAGIC = 0x01021994;

const onTmpfs = (dir: string): boolean => existsSync(dir) && statfsSync(dir).type === TMPFS_MAGIC;

/** Make the runtime base (0700, on tmpfs: mounted when the filesystem under it is not one). */
export async function ensureRuntimeBase(): Promise<string> {
  const base = runtimeBase();
  if (onTmpfs(base)) {
    ensurePrivateDir(base);
    return base;
  }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    'set -e',
    `mkdir -p ${q(base)}`,
    `if [ "$(stat -f -c %T ${q(base)})" != tmpfs ]; then mount -t tmpfs -o mode=0700,nosuid,nodev,size=512m stacks-runtime ${q(base)}; fi`,
    `chmod 0700 ${q(base)}`,
  ].join('\n');
  const r = await run('flock', [`${base}.lock`, 'sh', '-ec', script], { allowFail: true });
  if (r.code !== 0 || !onTmpfs(base))
    throw runtimeError(
      'E_RUNTIME_DIR',
      `cannot put the device runtime dir ${base} on tmpfs: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
      `run as root (the lab mounts a tmpfs there), or set ${RUNTIME_DIR_ENV} to a folder on tmpfs`,
    );
  return base;
}

/**
 * The lab's runtime folder, ready: the base on tmpfs, the folder 0700, and owned by this state dir.
 * A folder another state dir left (a crashed run with the same lab id) is emptied first: its files
 * belong to devices this state knows nothing of.
 */
export async function ensureLabRuntimeDir(lab: string, stateRoot: string): Promise<string> {
  await ensureRuntimeBase();
  const dir = labRuntimeDir(lab);
  const owner = join(dir, 'owner');
  if (existsSync(dir) && (!existsSync(owner) || readFileSync(owner, 'utf8').trim() !== stateRoot)) rmSync(dir, { recursive: true, force: true });
  ensurePrivateDir(dir);
  if (!existsSync(owner)) writePrivateFileAtomically(owner, `${stateRoot}\n`);
  return dir;
}

export function removeLabRuntimeDir(lab: string): void {
  rmSync(labRuntimeDir(lab), { recursive: true, force: true });
}
