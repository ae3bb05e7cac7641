/**
 * Block-free, file-level replication in the style of AWS MGN's replication agent, with rsync doing
 * the transfer (Debian `rsync`, delta transfer and --bwlimit, far better kept than a hand-written
 * copier): the source host runs `rsync -a --delete` over ssh to the target, authenticated by a
 * per-system replication key that `precheck` creates — the private half only on the source (its
 * state dir, mode 600), the public half authorized on the target with `restrict,from="<source>"`
 * and removed again at finalize — and the target's host key pinned from the runbook's known_hosts.
 * The control node's own key never leaves it; the control node only orchestrates over ssh2.
 *
 * After every round a dry run measures what the target still lacks (bytes and files behind); the
 * round's start time is what the target's copy is "as of", so seconds behind = now − that start.
 */
import ssh2 from 'ssh2';
import { runtimeError, StacksError } from '../lib/errors.js';
import { bwlimitKiB } from './bandwidth.js';
import { stateDirOf } from './runbook.js';
import type { StepContext } from './steps.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The target ran out of space: the wave stops (other systems would fill it further). */
export class TargetFull extends StacksError {
  constructor(host: string, detail: string) {
    super({
      code: 'E_TARGET_FULL',
      kind: 'runtime',
      message: `${host}: the target's disk is full during replication: ${detail}`,
      hint: 'free or grow the target volume, then run the wave again: it resumes from the journal; the source kept serving',
    });
  }
}

export interface RoundResult {
  bytes_sent: number;
  files: number;
  seconds: number;
  /** Measured average rate of the round, Mbit/s (sent bytes over wall time). */
  mbps: number;
  /** The pid of a round left running by a killed run, stopped before this one started. */
  stopped_leftover?: number;
}

export interface Lag {
  bytes_behind: number;
  files_behind: number;
}

const keyPaths = (c: StepContext) => {
  const st = stateDirOf(c.spec.source);
  return { key: `${st}/replication_key`, known: `${st}/replication_known_hosts` };
};
const marker = (c: StepContext) => `stacks-migrate-replication:${c.id}`;

/** Exit status of the key-storing command when the stored key does not load. */
const KEY_DAMAGED = 75;

/** Create the per-system replication key (idempotent: an existing key is kept and re-authorized). */
export async function setUpReplicationKey(c: StepContext, pinnedTargetKey: string): Promise<{ created: boolean }> {
  const { key, known } = keyPaths(c);
  const have = (await c.source.exec(`test -s ${q(key)} && ssh-keygen -y -f ${q(key)}`)).stdout.trim();
  let pub = have;
  let created = false;
  if (!have) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: marker(c) });
    // the private key goes over the ssh2 channel's stdin: never on a command line or in the journal
    // and is checked there before it is put in place: once (1 system in 72, a loaded 2-core host) a
    // key arrived unreadable ("Load key …: error in libcrypto") and every rsync of the system failed
    const w = await c.source.exec(
      `umask 077 && mkdir -p ${q(stateDirOf(c.spec.source))} && cat > ${q(key)}.tmp && { ssh-keygen -y -f ${q(key)}.tmp > /dev/null 2>&1 || { rm -f ${q(key)}.tmp; exit ${KEY_DAMAGED}; }; } && mv ${q(key)}.tmp ${q(key)}`,
      pair.private,
    );
    // transient: the step's retry makes a new key
    if (w.code === KEY_DAMAGED) throw runtimeError('E_SSH', `${c.source.host}: the replication key did not arrive intact`);
    if (w.code !== 0) throw runtimeError('E_STEP', `${c.source.host}: cannot store the replication key: ${w.stderr.trim()}`);
    pub = pair.public.trim();
    created = true;
  }
  const blob = pub.split(/\s+/).slice(0, 2).join(' ');
  await c.source.must(`umask 077 && printf '%s\\n' ${q(`${c.spec.target.host} ${pinnedTargetKey}`)} > ${q(known)}`, 'pin the target host key for replication');
  const line = `restrict,from="${c.spec.source.host}" ${blob} ${marker(c)}`;
  await c.target.must(editAuthorizedKeys(marker(c), line), 'authorize the replication key');
  return { created };
}

/**
 * The shell that rewrites the target's authorized_keys without `marker`'s line (and with `line`, when
 * given). Every system of a wave that goes to the same target edits this one file, often at the same
 * moment: unserialized, two read-modify-write rounds lose each other's lines — the run's own key
 * included, which locks the control node out of the host. So the edit holds an flock(1) on a lock
 * file beside it (util-linux, on every Linux server) and writes through its own temporary file.
 */
function editAuthorizedKeys(marker: string, line?: string): string {
  const keep = `{ grep -v ${q(marker)} ~/.ssh/authorized_keys || true; ${line ? `printf '%s\\n' ${q(line)}; ` : ''}}`;
  return [
    'umask 077 && mkdir -p ~/.ssh && touch ~/.ssh/authorized_keys',
    'exec 9>>~/.ssh/.authorized_keys.lock && flock -w 60 9',
    't=$(mktemp ~/.ssh/.authorized_keys.XXXXXX)',
    `${keep} > "$t" && mv -f "$t" ~/.ssh/authorized_keys || { rm -f "$t"; exit 1; }`,
  ].join(' && ');
}

/** Remove the replication key from both ends (finalize, decommission). */
export async function tearDownReplicationKey(c: StepContext): Promise<void> {
  const { key, known } = keyPaths(c);
  await c.source.exec(`rm -f ${q(key)} ${q(key)}.tmp ${q(known)}`);
  await c.target.must(editAuthorizedKeys(marker(c)), 'remove the replication key');
}

export interface RsyncOptions {
  /** Replication throttle, Mbps (from the wave's bandwidth plan); none: unthrottled. */
  throttleMbps?: number;
  /** Lab runs shape links at 1/rateScale of the real speed: the throttle is scaled alike. */
  rateScale?: number;
  dryRun?: boolean;
  checksum?: boolean;
}

function rsyncCommand(c: StepContext, o: RsyncOptions): string {
  const { key, known } = keyPaths(c);
  const ssh = `ssh -F /dev/null -i ${key} -p ${c.sshPort} -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${known} -o ConnectTimeout=8 -o ServerAliveInterval=5 -o ServerAliveCountMax=3`;
  const flags = ['-a', '--delete', '--stats', '--no-human-readable', '--partial', '--timeout=60'];
  if (o.dryRun) flags.push('-n');
  if (o.checksum) flags.push('--checksum');
  if (o.throttleMbps && !o.dryRun) flags.push(`--bwlimit=${bwlimitKiB(o.throttleMbps, o.rateScale ?? 1)}`);
  const src = `${c.spec.source.data_dir.replace(/\/+$/, '')}/`;
  const dst = `${c.sshUser}@${c.spec.target.host.includes(':') ? `[${c.spec.target.host}]` : c.spec.target.host}:${c.spec.target.data_dir.replace(/\/+$/, '')}/`;
  return `rsync ${flags.join(' ')} -e ${q(ssh)} ${q(src)} ${q(dst)}`;
}

/**
 * One transferring rsync per system at a time. A run killed (kill -9) mid-round leaves its rsync
 * running on the source (ssh drops no remote command), still writing to the target — after a
 * resumed run has moved on, even after the target's service took writes, which its --delete could
 * remove. So a round records its pid (the shell execs rsync) and the next round first stops a
 * recorded one that is still alive and still ours (its command line names this system's key).
 */
function singleRound(c: StepContext, command: string): string {
  const { key } = keyPaths(c);
  const pidFile = `${stateDirOf(c.spec.source)}/replication.pid`;
  return [
    `pid=$(cat ${q(pidFile)} 2>/dev/null || true)`,
    'ours() { [ -n "$pid" ] && tr "\\0" " " < /proc/"$pid"/cmdline 2>/dev/null | grep -qF -- ' + q(key) + '; }',
    'if ours; then kill -TERM "$pid"; for i in $(seq 50); do ours || break; sleep 0.1; done; ours && kill -KILL "$pid"; echo "stopped-leftover $pid"; fi',
    `echo $$ > ${q(pidFile)}`,
    `exec ${command}`,
  ].join('\n');
}

const stat = (out: string, label: string): number => {
  const m = new RegExp(`^${label}: ([\\d,]+)`, 'm').exec(out);
  return m ? Number(m[1]!.replaceAll(',', '')) : 0;
};

/** One rsync round source → target; a full target disk is a TargetFull, a lost source a transient E_SSH. */
export async function rsyncRound(c: StepContext, o: RsyncOptions = {}): Promise<RoundResult> {
  const t0 = Date.now();
  // a throttled round of a large system runs silent for many minutes: rsync's --timeout bounds it
  const r = await c.source.exec(o.dryRun ? rsyncCommand(c, o) : singleRound(c, rsyncCommand(c, o)), undefined, { idleMs: 0 });
  const seconds = (Date.now() - t0) / 1000;
  // 24: files vanished while the round ran — normal on a live source; the next round (or the final one, under freeze) settles it
  if (r.code !== 0 && r.code !== 24) {
    const err = r.stderr.trim().slice(-600);
    if (/No space left on device|disk quota exceeded|\(28\)/i.test(err))
      throw new TargetFull(c.spec.target.host, err.split('\n').find((l) => /space|quota/i.test(l)) ?? err);
    // 10/12/30/35: socket, protocol stream, timeout — the path between the hosts broke: retry
    if ([10, 12, 30, 35, 255].includes(r.code)) throw runtimeError('E_SSH', `${c.source.host}: rsync to ${c.spec.target.host} broke (exit ${r.code}): ${err}`);
    throw runtimeError('E_STEP', `${c.source.host}: rsync to ${c.spec.target.host} failed (exit ${r.code}): ${err}`);
  }
  const bytes = stat(r.stdout, 'Total bytes sent');
  const leftover = /^stopped-leftover (\d+)$/m.exec(r.stdout);
  return {
    ...(leftover ? { stopped_leftover: Number(leftover[1]) } : {}),
    bytes_sent: bytes,
    files: stat(r.stdout, 'Number of regular files transferred'),
    seconds,
    mbps: seconds > 0 ? Math.round(((bytes * 8) / 1e6 / seconds) * 100) / 100 : 0,
  };
}

/** What the target still lacks: a dry run's transferred size and file count. */
export async function measureLag(c: StepContext): Promise<Lag> {
  const r = await c.source.exec(rsyncCommand(c, { dryRun: true }));
  if (r.code !== 0 && r.code !== 24) {
    if ([10, 12, 30, 35, 255].includes(r.code)) throw runtimeError('E_SSH', `${c.source.host}: rsync dry run to ${c.spec.target.host} broke (exit ${r.code})`);
    throw runtimeError('E_STEP', `${c.source.host}: rsync dry run failed (exit ${r.code}): ${r.stderr.trim().slice(-300)}`);
  }
  return { bytes_behind: stat(r.stdout, 'Total transferred file size'), files_behind: stat(r.stdout, 'Number of regular files transferred') };
}
