/**
 * The file-replication runbook's steps for one system (rehost, relocate, replatform), each
 * idempotent (running it again after a crash does no harm and no double work): pre-checks and the
 * replication key, the initial sync, a test launch on the target while the source serves, incremental
 * rounds until the lag is small, the freeze of the source, the final delta, a sha256 comparison of
 * both copies, start on the target, health check, the name switch (downtime measured from the
 * freeze), verification through the name, finalization — and the rollback of a failed verify.
 */
import { createHash } from 'node:crypto';
import { runtimeError, StacksError } from '../lib/errors.js';
import { sleep } from '../lab/shell.js';
import { mapLimit } from '../lib/map-limit.js';
import type { ServiceNames } from './names.js';
import { stateDirOf, type Endpoint, type ReplicationSettings, type RunbookSystem } from './runbook.js';
import type { SshHost } from './ssh.js';
import type { Journal, RoundRow } from './journal.js';
import type { MigrationMetrics } from './metrics.js';
import { measureLag, rsyncRound, setUpReplicationKey, tearDownReplicationKey, type RsyncOptions } from './replication.js';

export interface StepContext {
  id: string;
  spec: RunbookSystem;
  source: SshHost;
  target: SshHost;
  names: ServiceNames;
  /** Detail recorded by earlier steps (the source manifest from `verify-copy`). */
  recorded: (step: string) => unknown;
  /** When an earlier step of this system finished (ms since the epoch): the freeze starts the downtime. */
  finishedAt: (step: string) => number | undefined;
  journal: Journal;
  sshUser: string;
  sshPort: number;
  /** The pinned host key (`type base64`) of a host, from the runbook's known_hosts. */
  pinnedKey: (host: string) => string | undefined;
  replication: ReplicationSettings;
  /** From the wave's bandwidth plan. */
  throttleMbps?: number;
  metrics?: MigrationMetrics;
  stateDir: string;
  strategy: string;
  /** Systems that call this one (from the plan's findings): told when it is retained. */
  dependants: string[];
}

/** path → sha256, as `sha256sum` prints it. */
type Manifest = Record<string, string>;

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

const digest = (m: Manifest) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(m).sort()))
    .digest('hex');

async function precheck(c: StepContext): Promise<unknown> {
  const src = c.spec.source;
  // one round trip per host, both at once: on a wave of many systems the SSH commands add up
  const [used, free] = await Promise.all([
    c.source.must(`test -d ${q(src.data_dir)} && test -r ${q(src.data_dir)} && du -sk ${q(src.data_dir)} | cut -f1`, `source data directory ${src.data_dir}`),
    c.target.must(
      `mkdir -p ${q(c.spec.target.data_dir)} ${q(stateDirOf(c.spec.target))} && test -w ${q(c.spec.target.data_dir)} && df -Pk ${q(c.spec.target.data_dir)} | tail -1`,
      `target data directory ${c.spec.target.data_dir}`,
    ),
  ]);
  const freeKiB = Number(free.trim().split(/\s+/)[3]);
  const usedKiB = Number(used.trim());
  if (Number.isFinite(freeKiB) && freeKiB < usedKiB) throw runtimeError('E_STEP', `${c.target.host}: ${freeKiB} KiB free, ${usedKiB} KiB needed`);
  const sourceUp = await httpStatus(src.host, c.spec.service.port, '/');
  const pinned = c.pinnedKey(c.spec.target.host);
  if (!pinned) throw runtimeError('E_SSH_HOSTKEY', `no pinned host key for the target ${c.spec.target.host}`, "add it to the runbook's known_hosts file");
  const key = await setUpReplicationKey(c, pinned);
  const ttl = await c.names.lowerTtl(c.spec.service.name, `wave ${c.id}`);
  return { data_kib: usedKiB, target_free_kib: freeKiB, source_http: sourceUp, replication_key: key.created ? 'created' : 'kept', ttl };
}

const rsyncOptions = (c: StepContext, extra: RsyncOptions = {}): RsyncOptions => ({
  ...(c.throttleMbps ? { throttleMbps: c.throttleMbps } : {}),
  rateScale: c.replication.rate_scale,
  ...extra,
});

/** One journaled round: transfer, then measure what is still missing (the lag). */
async function round(c: StepContext, kind: RoundRow['kind'], extra: RsyncOptions = {}): Promise<RoundRow> {
  const n = (c.journal.rounds(c.id).at(-1)?.round ?? -1) + 1;
  const startedAt = new Date().toISOString();
  const r = await rsyncRound(c, rsyncOptions(c, extra));
  if (r.stopped_leftover) c.journal.event(c.id, null, 'replication-leftover-stopped', `pid ${r.stopped_leftover} on ${c.source.host}`);
  const lag = await measureLag(c);
  const row: RoundRow = {
    system: c.id,
    round: n,
    kind,
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    bytes_sent: r.bytes_sent,
    seconds: r.seconds,
    mbps: r.mbps,
    ...lag,
  };
  c.journal.recordRound(row);
  c.metrics?.replicatedBytes.inc({ system: c.id }, r.bytes_sent);
  c.metrics?.rounds.inc({ kind });
  return row;
}

async function initialSync(c: StepContext): Promise<unknown> {
  await c.target.must(`mkdir -p ${q(c.spec.target.data_dir)}`, 'target data directory');
  const r = await round(c, 'initial');
  return { round: r.round, bytes_sent: r.bytes_sent, seconds: r.seconds, mbps: r.mbps, throttle_mbps: c.throttleMbps ?? null, bytes_behind: r.bytes_behind };
}

/** Incremental rounds until the target is at most `converge_bytes` behind (and `min_rounds` ran). */
async function sync(c: StepContext): Promise<unknown> {
  const set = c.replication;
  let done = 0;
  let last: RoundRow | undefined;
  for (; done < set.max_rounds; done++) {
    last = await round(c, 'incremental');
    if (done + 1 >= set.min_rounds && last.bytes_behind <= set.converge_bytes) break;
    await sleep(set.interval_s * 1000);
  }
  return { rounds: done + 1, bytes_behind: last?.bytes_behind ?? 0, converged: (last?.bytes_behind ?? 0) <= set.converge_bytes };
}

/** Test launch (MGN "testing"): the service starts on the target and answers; the source keeps serving. */
async function testLaunch(c: StepContext): Promise<unknown> {
  await startService(c.target, c.spec, c.spec.target);
  try {
    const h = await waitHealthy(c.spec.target.host, c.spec.service.port);
    const sourceStatus = await httpStatus(c.spec.source.host, c.spec.service.port, '/');
    if (sourceStatus < 200 || sourceStatus >= 400)
      throw runtimeError('E_STEP', `${c.id}: the source stopped serving during the test launch (HTTP ${sourceStatus})`);
    return { target_http: h.status, tries: h.tries, source_http: sourceStatus };
  } finally {
    await stopService(c.target, c.spec.target);
  }
}

/** The source stops taking writes (service stopped): the downtime starts here. */
async function freeze(c: StepContext): Promise<unknown> {
  const r = await stopService(c.source, c.spec.source);
  // Resumed after a kill inside this step with the source already stopped: the killed attempt stopped
  // it, so the downtime began when the system entered cutting-over (the journal's last such state
  // event: a resumed run writes none), not now — else a kill would shorten the downtime reported.
  const resumed = !r.stopped && (c.journal.step(c.id, 'freeze')?.attempts ?? 1) > 1;
  const began = resumed
    ? c.journal
        .events(c.id)
        .filter((e) => e.kind === 'state' && e.detail === 'cutting-over')
        .at(-1)?.at
    : undefined;
  return { ...r, frozen_at: began ?? new Date().toISOString(), ...(began ? { stopped_by_killed_attempt: true } : {}) };
}

/** The final delta under freeze, repeated until a dry run finds nothing left. */
async function finalSync(c: StepContext): Promise<unknown> {
  let r = await round(c, 'final');
  for (let i = 0; i < 3 && (r.bytes_behind > 0 || r.files_behind > 0); i++) r = await round(c, 'final');
  if (r.bytes_behind > 0 || r.files_behind > 0)
    throw runtimeError('E_STEP', `${c.id}: the target is still ${r.bytes_behind} bytes / ${r.files_behind} files behind after the final rounds`);
  return { round: r.round, bytes_sent: r.bytes_sent, seconds: r.seconds };
}

/** Both copies compared file by file (sha256); a difference rsync's size+mtime check missed gets a --checksum round. */
async function verifyCopy(c: StepContext): Promise<unknown> {
  // both hosts hash at once: this runs under freeze, so its time is downtime (a GiB takes seconds per side)
  const manifests = () => Promise.all([manifestOf(c.source, c.spec.source.data_dir), manifestOf(c.target, c.spec.target.data_dir)]);
  let [manifest, copy] = await manifests();
  let differ = diff(manifest, copy);
  let checksumRound = false;
  if (differ.length) {
    await round(c, 'checksum', { checksum: true });
    checksumRound = true;
    [manifest, copy] = await manifests();
    differ = diff(manifest, copy);
  }
  if (differ.length) throw runtimeError('E_STEP', `replication of ${c.id} incomplete: ${differ.length} file(s) differ on ${c.target.host}, e.g. ${differ[0]}`);
  return { files: Object.keys(manifest).length, digest: digest(manifest), checksum_round: checksumRound, manifest };
}

const diff = (a: Manifest, b: Manifest) => [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => a[p] !== b[p]);

function serviceCommand(spec: RunbookSystem, e: Endpoint): string {
  return (e.start ?? spec.service.start).replaceAll('{port}', String(spec.service.port)).replaceAll('{address}', e.host).replaceAll('{data_dir}', e.data_dir);
}

/** Shell: whether `$pid` is alive and not a zombie (the state letter follows the command name's closing parenthesis). */
const RUNNING = 'running() { st=$(sed "s/.*) //" /proc/"$pid"/stat 2>/dev/null | cut -c1); [ -n "$st" ] && [ "$st" != Z ]; }';

/** Start the service on one host unless its pid file names a live process (a process group of its own). */
export async function startService(host: SshHost, spec: RunbookSystem, e: Endpoint): Promise<{ started: boolean; pid: number }> {
  const st = stateDirOf(e);
  const pidFile = `${st}/service.pid`;
  const script = [
    `mkdir -p ${q(st)}`,
    `pid=$(cat ${q(pidFile)} 2>/dev/null || true)`,
    RUNNING,
    `if [ -n "$pid" ] && running; then echo "running $pid"; exit 0; fi`,
    `cd ${q(e.data_dir)}`,
    `setsid sh -c ${q(`exec ${serviceCommand(spec, e)}`)} > ${q(`${st}/service.log`)} 2>&1 < /dev/null &`,
    `echo $! > ${q(pidFile)}`,
    `echo "started $!"`,
  ].join('\n');
  const out = (await host.must(script, 'start the service')).trim();
  const [word, pid] = out.split(/\s+/);
  return { started: word === 'started', pid: Number(pid) };
}

/**
 * Stop the service its pid file names (TERM to its process group, KILL after 5 s). A process that has
 * exited but is not reaped yet (a zombie: its parent, the host's init once the starting shell left,
 * reaps when it gets to it — on some hosts only every second or two) holds no socket and no file any
 * more: it counts as stopped, or every freeze would wait for init.
 */
export async function stopService(host: SshHost, e: Endpoint): Promise<{ stopped: boolean }> {
  const pidFile = `${stateDirOf(e)}/service.pid`;
  const script = [
    `[ -s ${q(pidFile)} ] || { echo none; exit 0; }`,
    `pid=$(cat ${q(pidFile)})`,
    RUNNING,
    'if running; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"; for i in $(seq 50); do running || break; sleep 0.1; done; kill -KILL -- "-$pid" 2>/dev/null; echo stopped; else echo none; fi',
    `rm -f ${q(pidFile)}`,
  ].join('\n');
  return { stopped: (await host.must(script, 'stop the service')).trim() === 'stopped' };
}

async function startTarget(c: StepContext): Promise<unknown> {
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

async function waitHealthy(host: string, port: number): Promise<{ status: number; tries: number }> {
  for (let i = 0; i < 60; i++) {
    const status = await httpStatus(host, port, '/');
    if (status >= 200 && status < 400) return { status, tries: i + 1 };
    await sleep(100);
  }
  throw runtimeError('E_STEP', `the service on ${host}:${port} does not answer`);
}

async function health(c: StepContext): Promise<unknown> {
  return waitHealthy(c.spec.target.host, c.spec.service.port);
}

/** The name points at the target; the downtime (since the freeze) ends here. */
async function switchName(c: StepContext): Promise<unknown> {
  // a second attempt (the run was killed in this step) must not switch twice: set() reads the record
  // first, and records a switch the killed attempt made but did not get to write down
  const resumed = (c.journal.step(c.id, 'switch-name')?.attempts ?? 1) > 1;
  const changed = await c.names.set(c.spec.service.name, c.spec.target.host, `cutover ${c.id}`, { resumed });
  const frozenAt = (c.recorded('freeze') as { frozen_at?: string } | undefined)?.frozen_at;
  const frozen = (frozenAt ? Date.parse(frozenAt) : undefined) ?? c.finishedAt('freeze') ?? c.finishedAt('pg-freeze');
  const downtime = frozen ? (Date.now() - frozen) / 1000 : null;
  if (downtime !== null) c.metrics?.downtime.observe(downtime);
  return { name: c.spec.service.name, address: c.spec.target.host, changed, downtime_seconds: downtime };
}

/** Through the service's name, every file the source had must come back with the same sha256. */
/** Whole files come back through the service; a large one on a busy host takes a while. */
const VERIFY_FILE_TIMEOUT_MS = 120_000;

async function verify(c: StepContext): Promise<unknown> {
  const rec = c.recorded('verify-copy') as { manifest?: Manifest } | undefined;
  const manifest = rec?.manifest ?? {};
  let problem = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    problem = await check(c, manifest);
    if (!problem) return { files: Object.keys(manifest).length, via: c.spec.service.name };
    await sleep(300);
  }
  throw new VerifyFailed(`${c.id}: post-cutover verification failed: ${problem}`);
}

/**
 * Files fetched at once by verify: one at a time, a system of a few hundred files spent most of its
 * migration here (each GET a round trip to the service); a handful in flight keeps a service's
 * threads busy without crowding the other systems of the wave.
 */
const VERIFY_PARALLEL = 8;

async function check(c: StepContext, manifest: Manifest): Promise<string> {
  const addr = await c.names.lookup(c.spec.service.name);
  if (addr !== c.spec.target.host) return `${c.spec.service.name} resolves to ${addr ?? 'nothing'}, not the target ${c.spec.target.host}`;
  const problems = await mapLimit(Object.entries(manifest), VERIFY_PARALLEL, async ([path, sum]) => {
    let body: Buffer;
    try {
      const res = await fetch(`http://${addr}:${c.spec.service.port}/${path.split('/').map(encodeURIComponent).join('/')}`, {
        signal: AbortSignal.timeout(VERIFY_FILE_TIMEOUT_MS),
      });
      body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) return `GET /${path} via ${c.spec.service.name} answered ${res.status}`;
    } catch (err) {
      return `GET /${path} via ${c.spec.service.name}: ${(err as Error).message}`;
    }
    if (createHash('sha256').update(body).digest('hex') !== sum) return `/${path} served via ${c.spec.service.name} differs from the source's copy`;
    return '';
  });
  // the first problem in the manifest's order, as the one-at-a-time check reported it
  return problems.find((p) => p !== '') ?? '';
}

/** The source stays stopped, the replication key is removed from both ends, the name's TTL goes back up. */
async function finalize(c: StepContext): Promise<unknown> {
  const stopped = await stopService(c.source, c.spec.source);
  await tearDownReplicationKey(c);
  const ttl = await c.names.restoreTtl(c.spec.service.name, `finalized ${c.id}`);
  return { ...stopped, replication_key: 'removed', ttl };
}

/** Undo a cutover: the name points at the source again, the source serves, the target stops. */
export async function rollback(c: StepContext): Promise<unknown> {
  const changed = await c.names.set(c.spec.service.name, c.spec.source.host, `rollback ${c.id}`);
  const source = await startService(c.source, c.spec, c.spec.source);
  const target = await stopService(c.target, c.spec.target);
  return { name_changed: changed, source_started: source.started, target_stopped: target.stopped };
}

export const FILE_STEPS = {
  precheck,
  'initial-sync': initialSync,
  'test-launch': testLaunch,
  sync,
  freeze,
  'final-sync': finalSync,
  'verify-copy': verifyCopy,
  'start-target': startTarget,
  health,
  'switch-name': switchName,
  verify,
  finalize,
} as const;
