/** Running host commands for the lab: one place that turns a failed command into a runtime error. */
import { spawn } from 'node:child_process';
import { runtimeError } from '../lib/errors.js';

export interface RunOptions {
  input?: string;
  /** Return the result instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) =>
      reject(runtimeError('E_LAB_EXEC', `cannot run ${cmd}: ${err.message}`, 'run scripts/ensure-system-packages.sh iproute2 frr', err)),
    );
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        reject(runtimeError('E_LAB_EXEC', `${cmd} ${args.join(' ').slice(0, 200)} failed (exit ${result.code}): ${stderr.trim().slice(-600)}`));
      } else resolve(result);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** `ip -batch -` (optionally inside a namespace): many changes for the cost of one process. */
export async function ipBatch(lines: readonly string[], ns?: string, force = false): Promise<void> {
  if (lines.length === 0) return;
  const args = [...(ns ? ['-n', ns] : []), ...(force ? ['-force'] : []), '-batch', '-'];
  // -force: carry on past failed lines (e.g. removing what is already gone) and do not throw.
  await run('ip', args, { input: lines.join('\n') + '\n', allowFail: force });
}

export async function tcBatch(lines: readonly string[], ns: string): Promise<void> {
  if (lines.length === 0) return;
  await run('tc', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n' });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
