/**
 * Long-running processes for the monitoring end-to-end tests: the built `stacks daemon`, a real
 * Prometheus and Alertmanager (Debian packages), each on 127.0.0.1 with temp storage, killed in
 * teardown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './cli.js';
import { waitUntil } from './monitor-harness.js';

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return {
    child,
    output: () => out,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** `stacks daemon` from dist/, waiting until it prints where /metrics listens. */
export async function startDaemon(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Proc & { port: number }> {
  const p = startProcess(process.execPath, [join(REPO, 'bin', 'stacks.js'), ...args], env);
  const port = await waitUntil(
    () => {
      if (p.child.exitCode !== null) throw new Error(`daemon exited: ${p.output()}`);
      const m = /metrics on http:\/\/[^:]+:(\d+)\/metrics/.exec(p.output());
      return m ? Number(m[1]) : undefined;
    },
    30_000,
    'stacks daemon to listen',
  );
  return { ...p, port };
}

export async function httpReady(url: string, ms = 30_000): Promise<void> {
  await waitUntil(
    async () =>
      (await fetch(url)
        .then((r) => r.ok)
        .catch(() => false)) || undefined,
    ms,
    url,
    200,
  );
}
