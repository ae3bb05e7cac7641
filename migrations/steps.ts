/**
 * The runbook's steps for one system, each idempotent (running it again after a crash does no harm
 * and no double work): pre-checks, replication (a tar stream between two ssh2 exec channels, checked
 * file by file with sha256), start on the target, health check, cutover of the service name, post-
 * verification through the name, finalization (stop the source) — and the rollback of a failed verify.
 */
import { createHash } from 'node:crypto';
import { runtimeError, StacksError } from '../lib/errors.js';
import { sleep } from '../lab/shell.js';
import type { HostsFileNames } from './names.js';
import { stateDirOf, type Endpoint, type RunbookSystem } from './runbook.js';
import type { SshHost } from './ssh.js';

export interface StepContext {
  id: string;
  spec: RunbookSystem;
  source: SshHost;
  target: SshHost;
  names: HostsFileNames;
  /** Detail recorded by earlier steps (the source manifest from `replicate`). */
  recorded: (step: string) => unknown;
}

/** path → sha256, as `sha256sum` prints it. */
export type Manifest = Record<string, string>;

export class VerifyFailed extends StacksError {
  constructor(message: string) {
    super({ code: 'E_VERIFY', kind: 'policy', message });
  }
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function manifestOf(host: SshHost, dir: string): Promise<Manifest> {
  const out = await host.must(`cd ${q(dir)} && find . -type f -print0 | sort -z | xargs -0 -r sha256sum`, `checksum of ${dir}`);
  const m: Manifest = {};
  for (const line of out.split('\n')) {
    const match = /^([0-9a-f]{64}) {2}\.\/(.*)$/.exec(line);
    if (match) m[match[2]!] = match[1]!;
  }
  return m;
}

const digest = (m: Manifest) => createHash('sha256').update(JSON.stringify(Object.entries(m).sort())).digest('hex');

export async function precheck(c: StepContext): Promise<unknown> {
  const src = c.spec.source;
  await c.source.must(`test -d ${q(src.data_dir)} && test -r ${q(src.data_dir)}`, `source data directory ${src.data_dir}`);
  await c.target.must(`mkdir -p ${q(c.spec.target.data_dir)} ${q(stateDirOf(c.spec.target))} && test -w ${q(c.spec.target.data_dir)}`, `target data directory ${c.spec.target.data_dir}`);
  const free = await c.target.must(`df -Pk ${q(c.spec.target.data_dir)} | tail -1`, 'free space on the target');
  const used = await c.source.must(`du -sk ${q(src.data_dir)} | cut -f1`, 'data size on the source');
  const freeKiB = Number(free.trim().split(/\s+/)[3]);
  const usedKiB = Number(used.trim());
  if (Number.isFinite(freeKiB) && freeKiB < usedKiB) throw runtimeError('E_STEP', `${c.target.host}: ${freeKiB} KiB free, ${usedKiB} KiB needed`);
  const sourceUp = await httpStatus(src.host, c.spec.service.port, '/');
  return { data_kib: usedKiB, target_free_kib: freeKiB, source_http: sourceUp };
}

export async function replicate(c: StepContext): Promise<unknown> {
  const src = c.spec.source.data_dir;
  const dst = c.spec.target.data_dir;
  const manifest = await manifestOf(c.source, src);
  const { bytes } = await c.source.pipeTo(`tar -C ${q(src)} -cf - .`, c.target, `mkdir -p ${q(dst)} && tar -C ${q(dst)} -xf -`);
  const copied = await manifestOf(c.target, dst);
  const missing = Object.keys(manifest).filter((p) => copied[p] !== manifest[p]);
  if (missing.length) throw runtimeError('E_STEP', `replication of ${c.id} incomplete: ${missing.length} file(s) differ on ${c.target.host}, e.g. ${missing[0]}`);
  return { bytes, files: Object.keys(manifest).length, digest: digest(manifest), manifest };
}

function serviceCommand(spec: RunbookSystem, e: Endpoint): string {
  return (e.start ?? spec.service.start).replaceAll('{port}', String(spec.service.port)).replaceAll('{address}', e.host).replaceAll('{data_dir}', e.data_dir);
}

/** Start the service on one host unless its pid file names a live process (a process group of its own). */
export async function startService(host: SshHost, spec: RunbookSystem, e: Endpoint): Promise<{ started: boolean; pid: number }> {
  const st = stateDirOf(e);
  const pidFile = `${st}/service.pid`;
  const script = [
    `mkdir -p ${q(st)}`,
    `if [ -s ${q(pidFile)} ] && kill -0 "$(cat ${q(pidFile)})" 2>/dev/null; then echo "running $(cat ${q(pidFile)})"; exit 0; fi`,
    `cd ${q(e.data_dir)}`,
    `setsid sh -c ${q(`exec ${serviceCommand(spec, e)}`)} > ${q(`${st}/service.log`)} 2>&1 < /dev/null &`,
    `echo $! > ${q(pidFile)}`,
    `echo "started $!"`,
  ].join('\n');
  const out = (await host.must(script, 'start the service')).trim();
  const [word, pid] = out.split(/\s+/);
  return { started: word === 'started', pid: Number(pid) };
}

export async function stopService(host: SshHost, e: Endpoint): Promise<{ stopped: boolean }> {
  const pidFile = `${stateDirOf(e)}/service.pid`;
  const script = [
    `[ -s ${q(pidFile)} ] || { echo none; exit 0; }`,
    `pid=$(cat ${q(pidFile)})`,
    'if kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; kill -KILL -- "-$pid" 2>/dev/null; echo stopped; else echo none; fi',
    `rm -f ${q(pidFile)}`,
  ].join('\n');
  return { stopped: (await host.must(script, 'stop the service')).trim() === 'stopped' };
}

export async function startTarget(c: StepContext): Promise<unknown> {
  return startService(c.target, c.spec, c.spec.target);
}

async function httpStatus(host: string, port: number, path: string): Promise<number> {
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

export async function health(c: StepContext): Promise<unknown> {
  const t = c.spec.target.host;
  for (let i = 0; i < 40; i++) {
    const status = await httpStatus(t, c.spec.service.port, '/');
    if (status >= 200 && status < 400) return { status, tries: i + 1 };
    await sleep(150);
  }
  throw runtimeError('E_STEP', `${c.id}: the service on ${t}:${c.spec.service.port} does not answer`);
}

export async function cutover(c: StepContext): Promise<unknown> {
  const changed = await c.names.set(c.spec.service.name, c.spec.target.host, `cutover ${c.id}`);
  return { name: c.spec.service.name, address: c.spec.target.host, changed };
}

/** Through the service's name, every file the source had must come back with the same sha256. */
/** Whole files come back through the service; a large one on a busy host takes a while. */
const VERIFY_FILE_TIMEOUT_MS = 120_000;

export async function verify(c: StepContext): Promise<unknown> {
  const rec = c.recorded('replicate') as { manifest?: Manifest } | undefined;
  const manifest = rec?.manifest ?? {};
  let problem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    problem = await check(c, manifest);
    if (!problem) return { files: Object.keys(manifest).length, via: c.spec.service.name };
    await sleep(300);
  }
  throw new VerifyFailed(`${c.id}: post-cutover verification failed: ${problem}`);
}

async function check(c: StepContext, manifest: Manifest): Promise<string> {
  const addr = c.names.lookup(c.spec.service.name);
  if (addr !== c.spec.target.host) return `${c.spec.service.name} resolves to ${addr ?? 'nothing'}, not the target ${c.spec.target.host}`;
  for (const [path, sum] of Object.entries(manifest)) {
    let body: Buffer;
    try {
      const res = await fetch(`http://${addr}:${c.spec.service.port}/${path.split('/').map(encodeURIComponent).join('/')}`, { signal: AbortSignal.timeout(VERIFY_FILE_TIMEOUT_MS) });
      body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) return `GET /${path} via ${c.spec.service.name} answered ${res.status}`;
    } catch (err) {
      return `GET /${path} via ${c.spec.service.name}: ${(err as Error).message}`;
    }
    if (createHash('sha256').update(body).digest('hex') !== sum) return `/${path} served via ${c.spec.service.name} differs from the source's copy`;
  }
  return '';
}

export async function finalize(c: StepContext): Promise<unknown> {
  return stopService(c.source, c.spec.source);
}

/** Undo a cutover: the name points at the source again, the source serves, the target stops. */
export async function rollback(c: StepContext): Promise<unknown> {
  const changed = await c.names.set(c.spec.service.name, c.spec.source.host, `rollback ${c.id}`);
  const source = await startService(c.source, c.spec, c.spec.source);
  const target = await stopService(c.target, c.spec.target);
  return { name_changed: changed, source_started: source.started, target_stopped: target.stopped };
}

export const STEP_IMPL = { precheck, replicate, 'start-target': startTarget, health, cutover, verify, finalize } as const;
