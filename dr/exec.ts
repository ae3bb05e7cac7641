/**
 * Commands inside a lab namespace, optionally as the unprivileged database user. PostgreSQL's
 * tools refuse to run as root, and a namespace is entered with `ip netns exec`.
 */
import { spawn } from 'node:child_process';
import { runtimeError } from '../lib/errors.js';
import { PG_USER } from './pg-conf.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Run as the postgres user (runuser), not as root. */
  asPostgres?: boolean;
  allowFail?: boolean;
  timeoutMs?: number;
}

function nsArgv(ns: string | undefined, argv: readonly string[], asPostgres = false): string[] {
  const user = asPostgres ? ['runuser', '-u', PG_USER, '--'] : [];
  return [...(ns ? ['ip', 'netns', 'exec', ns] : []), ...user, ...argv];
}

export function exec(ns: string | undefined, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const full = nsArgv(ns, argv, opts.asPostgres);
  return new Promise((resolve, reject) => {
    // cwd `/`: the postgres user must be able to read its working directory
    const child = spawn(full[0]!, full.slice(1), { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) =>
      reject(runtimeError('E_DR_EXEC', `cannot run ${full.join(' ')}: ${err.message}`, 'run scripts/ensure-system-packages.sh postgresql iproute2', err)),
    );
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const r = { code: code ?? (signal ? 128 : 1), stdout, stderr };
      if (r.code !== 0 && !opts.allowFail)
        reject(runtimeError('E_DR_EXEC', `${argv.join(' ').slice(0, 200)} in ${ns ?? 'host'} failed (exit ${r.code}): ${stderr.trim().slice(-600)}`));
      else resolve(r);
    });
  });
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Ask `what` every `everyMs` until it says yes, the time is up or the drill is interrupted; a throw counts as no. */
export async function until(what: () => Promise<boolean>, timeoutMs: number, everyMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    if (await what().catch(() => false)) return true;
    await sleep(everyMs, signal);
  }
  return false;
}
