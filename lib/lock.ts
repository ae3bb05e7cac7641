/**
 * Locks the kernel enforces: an exclusive `flock(2)` on a lock file, held by an open file
 * description of this process. The kernel drops it when the process exits, however it exits
 * (kill -9 included), so a dead holder never blocks anyone and a reused pid means nothing.
 *
 * How, without a native addon: the lock file is opened here, and util-linux `flock(1)` is run with
 * that descriptor as its fd 3 (`flock -n 3`). flock(2) locks belong to the open file description,
 * which the child shares with this process; when the child exits the description stays open here,
 * and so does the lock, until `release()` closes it (or the process dies). Node opens files with
 * O_CLOEXEC, so daemons started later (FRR, snmpd) never inherit the lock. Measured here: ~2 ms per
 * acquisition (one fork). Why not `fs-ext`: it is a native addon (node-gyp build, prebuilt-less on
 * Node 20) for one call; `proper-lockfile` is mkdir-based with a staleness timer, i.e. not enforced
 * by the kernel — the class of bug this module replaces (an empty pid file read as stale let two
 * holders in; a reused pid blocked forever).
 *
 * The file's content (pid, user, command, since) only tells a waiting person who holds it; it is
 * never what decides. The file is never unlinked: removing a lock file while another process waits
 * on it would let a third one lock a new inode beside the held one.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname } from 'node:path';
import { runtimeError, StacksError } from './errors.js';

export interface Lock {
  readonly file: string;
  release(): void;
}

export interface LockHolder {
  pid?: number;
  user?: string;
  command?: string;
  what?: string;
  since?: string;
}

export interface LockOptions {
  /** How long to wait for a busy lock; 0 (the default, or `--lock-timeout`) fails at once. */
  timeoutMs?: number;
  /**
   * Mode of the lock's missing folders, before the umask: 0700 by default, since a lock mostly lives
   * in the state dir; synth's lock beside an output folder passes 0o777 (the umask decides, as for the output).
   */
  dirMode?: number;
}

/** The CLI's `--lock-timeout`, for call sites that pass none. */
let defaultTimeoutMs = 0;
export function setDefaultLockTimeout(ms: number): void {
  defaultTimeoutMs = ms;
}

/** `30s`, `2m`, `500ms`, `1h` or plain seconds → milliseconds (Terraform's -lock-timeout syntax). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new StacksError({
      code: 'E_USAGE',
      file: '(command line)',
      path: '--lock-timeout',
      message: `"${text}" is not a duration`,
      hint: 'e.g. 0, 30s, 2m, 500ms',
    });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(m[1]) * unit);
}

/** flock(1) exits with this when the lock is busy (or the wait ran out), unlike its other failures. */
const BUSY = 75;

function flockArgs(timeoutMs: number): string[] {
  return ['-x', '-E', String(BUSY), ...(timeoutMs > 0 ? ['-w', (timeoutMs / 1000).toFixed(3)] : ['-n']), '3'];
}

function openLockFile(file: string, dirMode: number): number {
  mkdirSync(dirname(file), { recursive: true, mode: dirMode });
  return openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
}

/**
 * Locks this process holds, released at exit by one listener: a listener per lock went past Node's
 * limit of 10 (a MaxListenersExceededWarning) when a wave held a record lock per name at once.
 */
const heldLocks = new Set<() => void>();
let exitHook = false;

function held(file: string, fd: number, what: string): Lock {
  const holder: LockHolder = { pid: process.pid, user: currentUser(), command: commandLine(), what, since: new Date().toISOString() };
  ftruncateSync(fd, 0);
  writeSync(fd, JSON.stringify(holder) + '\n', 0);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldLocks.delete(release);
    try {
      ftruncateSync(fd, 0);
    } catch {
      // the holder note is advice only
    }
    closeSync(fd);
  };
  heldLocks.add(release);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const r of [...heldLocks]) r();
    });
  }
  return { file, release };
}

function outcome(file: string, fd: number, what: string, status: number | null, stderr: string, error?: Error): Lock {
  if (status === 0) return held(file, fd, what);
  closeSync(fd);
  if (status === BUSY) throw busyError(file, what);
  if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
    throw runtimeError('E_LOCK', 'flock(1) is not installed (Debian package util-linux)', 'run scripts/install.sh');
  throw runtimeError('E_LOCK', `cannot lock ${file}: ${stderr.trim() || error?.message || `flock exited ${status}`}`);
}

/** Take the lock or throw E_LAB_LOCKED naming who holds it. Blocks (up to the timeout) while waiting. */
export function acquireLock(file: string, what: string, opts: LockOptions = {}): Lock {
  const fd = openLockFile(file, opts.dirMode ?? 0o700);
  const r = spawnSync('flock', flockArgs(opts.timeoutMs ?? defaultTimeoutMs), { stdio: ['ignore', 'ignore', 'pipe', fd], encoding: 'utf8' });
  return outcome(file, fd, what, r.status, r.stderr ?? '', r.error);
}

/** Who holds `file` by its own note (advice: the note of a dead holder stays until the next one). */
export function lockHolder(file: string): LockHolder | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? (JSON.parse(text) as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

function busyError(file: string, what: string): StacksError {
  const h = lockHolder(file);
  const who = h?.pid
    ? `another ${h.what ?? 'command'} (pid ${h.pid}, user ${h.user ?? '?'}, since ${h.since ?? '?'}: ${h.command ?? '?'})`
    : 'another process (it has just taken it)';
  return runtimeError(
    'E_LAB_LOCKED',
    `${who} holds ${file}; cannot ${what} now`,
    'wait for it to finish (the kernel releases the lock when that process exits), or pass --lock-timeout 2m to wait',
  );
}

/** What a person at the terminal would recognise: the program and its arguments (argv holds no secrets). */
function commandLine(): string {
  return [basename(process.argv0), ...process.argv.slice(1)].join(' ').slice(0, 300);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '?');
  }
}
