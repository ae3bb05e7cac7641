/**
 * The lab's authoritative name server for the government zone: BIND 9 (Debian `bind9`), started by
 * the project (no systemd service) in a namespace of the lab or on loopback, bound only to the
 * address given, with dynamic updates (RFC 2136) allowed for one TSIG key and nothing else.
 *
 * Why BIND rather than Knot: both are in Debian and both take TSIG-signed updates, but BIND's
 * `nsupdate` (bind9-dnsutils) is the client the cloud team already scripts against, reads the key
 * from stdin, and `named-checkconf`/`named-checkzone` check what we render before we start it;
 * Knot would need its own `knsupdate` and a separate control socket for the same result.
 *
 * Files (named.conf, the zone, its journal, the pid file, the log) live under `dir`; the TSIG key and
 * named's own session key, which named must read in clear, live in the runtime dir on tmpfs
 * (lab/runtime-dir.ts: `/run/stacks/named-<hash of dir>/`, 0700, files 0600), the only place the key
 * is written outside the sealed secret store; stopping the server removes them.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, sleep } from './shell.js';
import { alive } from './daemons.js';
import { runtimeError } from '../lib/errors.js';
import type { TsigKey } from './secrets.js';
import { nameServerRuntimeDir, runtimeBase } from './names.js';
import { ensureRuntimeBase } from './runtime-dir.js';
import { ensurePrivateDir, writePrivateFileAtomically } from '../lib/private-files.js';

export interface NameServerOptions {
  dir: string;
  /** The address named listens on (a lab namespace's address or 127.0.0.x). */
  address: string;
  port: number;
  zone: string;
  key: TsigKey;
  /** Initial A records: relative or fully qualified name → address. */
  records: Record<string, string>;
  ttl: number;
  /** Network namespace to run in; none: this host's (loopback). */
  netns?: string;
}

export interface NameServer {
  address: string;
  port: number;
  zone: string;
  pid: number;
  stop(): Promise<void>;
}

function renderNamedConf(o: NameServerOptions): string {
  const d = (f: string) => JSON.stringify(join(o.dir, f));
  const secret = (f: string) => JSON.stringify(join(nameServerRuntimeDir(o.dir), f));
  return [
    '// stacks lab: authoritative server of the government zone (rendered, do not edit)',
    `include ${secret('tsig.key')};`,
    'options {',
    `  directory ${JSON.stringify(o.dir)};`,
    `  pid-file ${d('named.pid')};`,
    `  session-keyfile ${secret('session.key')};`,
    `  listen-on port ${o.port} { ${o.address}; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    '  allow-query { any; };',
    '  allow-transfer { none; };',
    '  notify no;',
    '};',
    'controls { };',
    'logging {',
    `  channel file_log { file ${d('named.log')}; severity info; print-time yes; };`,
    '  category default { file_log; };',
    '  category update { file_log; };',
    '};',
    `zone ${JSON.stringify(o.zone)} {`,
    '  type primary;',
    `  file ${d(`${o.zone}.zone`)};`,
    `  update-policy { grant ${JSON.stringify(o.key.name)} subdomain ${JSON.stringify(`${o.zone}.`)} ANY; };`,
    '};',
    '',
  ].join('\n');
}

function renderZone(o: NameServerOptions): string {
  const fq = (n: string) => (n.endsWith('.') ? n : n === o.zone || n.endsWith(`.${o.zone}`) ? `${n}.` : `${n}.${o.zone}.`);
  return [
    `$ORIGIN ${o.zone}.`,
    `$TTL ${o.ttl}`,
    `@ IN SOA ns1.${o.zone}. hostmaster.${o.zone}. ( 1 3600 600 86400 ${Math.min(o.ttl, 60)} )`,
    `@ IN NS ns1.${o.zone}.`,
    `ns1 IN A ${o.address}`,
    ...Object.entries(o.records)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([n, a]) => `${fq(n)} ${o.ttl} IN ${a.includes(':') ? 'AAAA' : 'A'} ${a}`),
    '',
  ].join('\n');
}

const inNs = (o: NameServerOptions, cmd: string[]) => (o.netns ? ['ip', ['netns', 'exec', o.netns, ...cmd]] : [cmd[0]!, cmd.slice(1)]) as [string, string[]];

export async function startNameServer(o: NameServerOptions): Promise<NameServer> {
  await mkdir(o.dir, { recursive: true });
  await ensureRuntimeBase();
  const keyDir = nameServerRuntimeDir(o.dir);
  ensurePrivateDir(keyDir);
  // whose key this is, so a cleanup that knows only the folder (removeNameServerKeys) finds it
  writePrivateFileAtomically(join(keyDir, 'owner'), `${o.dir}\n`);
  writePrivateFileAtomically(
    join(keyDir, 'tsig.key'),
    `key ${JSON.stringify(o.key.name)} {\n  algorithm ${o.key.algorithm};\n  secret "${o.key.secret}";\n};\n`,
  );
  const conf = join(o.dir, 'named.conf');
  await writeFile(conf, renderNamedConf(o));
  await rm(join(o.dir, `${o.zone}.zone.jnl`), { force: true });
  await writeFile(join(o.dir, `${o.zone}.zone`), renderZone(o));
  const check = await run('named-checkconf', ['-z', conf], { allowFail: true });
  if (check.code !== 0) {
    await stopNameServer(o.dir); // the key goes with it
    throw runtimeError('E_NAME_SERVER', `named-checkconf rejected ${conf}: ${(check.stdout + check.stderr).trim().slice(0, 400)}`);
  }
  const [cmd, args] = inNs(o, ['named', '-c', conf]);
  const r = await run(cmd, args, { allowFail: true });
  if (r.code !== 0) {
    await stopNameServer(o.dir);
    throw runtimeError('E_NAME_SERVER', `named did not start: ${r.stderr.trim().slice(0, 400)}`);
  }
  let pid = 0;
  for (let i = 0; i < 100 && !pid; i++) {
    if (existsSync(join(o.dir, 'named.pid'))) pid = Number((await readFile(join(o.dir, 'named.pid'), 'utf8')).trim()) || 0;
    if (!pid) await sleep(50);
  }
  for (let i = 0; i < 100; i++) {
    const [c2, a2] = inNs(o, ['dig', '+short', '+time=1', '+tries=1', '-p', String(o.port), `@${o.address}`, `ns1.${o.zone}`, 'A']);
    const q = await run(c2, a2, { allowFail: true });
    if (q.code === 0 && q.stdout.trim() === o.address) {
      return { address: o.address, port: o.port, zone: o.zone, pid, stop: () => stopNameServer(o.dir) };
    }
    await sleep(50);
  }
  await stopNameServer(o.dir);
  const log = existsSync(join(o.dir, 'named.log')) ? (await readFile(join(o.dir, 'named.log'), 'utf8')).slice(-400) : '';
  throw runtimeError('E_NAME_SERVER', `named on ${o.address}:${o.port} does not answer for ${o.zone}: ${log}`);
}

async function stopNameServer(dir: string): Promise<void> {
  const file = join(dir, 'named.pid');
  const pid = existsSync(file) ? Number((await readFile(file, 'utf8')).trim()) : 0;
  if (alive(pid)) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && alive(pid); i++) await sleep(30);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(nameServerRuntimeDir(dir), { recursive: true, force: true });
}

/** Remove the runtime folders (TSIG keys) of every name server whose files are under `dir`: for a cleanup after a crash, when nobody called stop(). */
export async function removeNameServerKeys(dir: string): Promise<void> {
  const base = runtimeBase();
  if (!existsSync(base)) return;
  for (const name of await readdir(base)) {
    if (!name.startsWith('named-')) continue;
    const owner = await readFile(join(base, name, 'owner'), 'utf8').catch(() => '');
    if (owner.trim() === dir || owner.startsWith(`${dir}/`)) await rm(join(base, name), { recursive: true, force: true });
  }
}
