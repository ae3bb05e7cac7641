/** Before a lab changes anything: root, the Debian packages, and enough memory for the scope. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeError } from '../lib/errors.js';
import { assertFits, type Capacity } from './capacity.js';
import { run } from './shell.js';

/** What the lab runs: FRR (+ frr-reload.py), snmpd, sshd, ip/tc, ping and fping, traceroute. */
const LAB_PACKAGES = ['frr', 'frr-pythontools', 'snmpd', 'openssh-server', 'iproute2', 'iputils-ping', 'fping', 'traceroute'];
const LAB_BINARIES = [
  '/usr/lib/frr/zebra',
  '/usr/lib/frr/ospf6d',
  '/usr/lib/frr/frr-reload.py',
  '/usr/sbin/snmpd',
  '/usr/sbin/sshd',
  '/usr/bin/traceroute',
  '/usr/bin/ping',
  '/usr/bin/fping',
];

function repoRoot(): string {
  // lab/ in the source tree, dist/lab/ when compiled
  const here = dirname(fileURLToPath(import.meta.url));
  return resolve(here, here.endsWith(join('dist', 'lab')) ? '../..' : '..');
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw runtimeError('E_LAB_ROOT', 'the lab creates network namespaces and must run as root', 'run with sudo, or in the CI container (root)');
  }
}

/** Install missing packages with scripts/ensure-system-packages.sh (skipped when every binary is there). */
async function ensurePackages(): Promise<void> {
  if (LAB_BINARIES.every((b) => existsSync(b))) return;
  const script = join(repoRoot(), 'scripts', 'ensure-system-packages.sh');
  await run('bash', [script, ...LAB_PACKAGES]);
}

export async function preflight(devices: number, alreadyRunning: number): Promise<Capacity> {
  requireRoot();
  await ensurePackages();
  return assertFits(devices, await readFile('/proc/meminfo', 'utf8'), alreadyRunning);
}
