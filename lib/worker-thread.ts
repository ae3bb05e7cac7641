/**
 * The two halves every worker thread of the project needs: finding its compiled entry script (none
 * when running from the TypeScript sources, where the caller does the work in its own thread), and
 * turning the worker's one reply into a promise that also fails when the thread dies without one.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

/** The compiled script at `url` (relative to the calling module), or undefined when it is not built. */
export function compiledWorkerScript(url: URL): string | undefined {
  const script = fileURLToPath(url);
  return existsSync(script) ? script : undefined;
}

/** The worker's first message; rejected on an error or an exit before it. Never unhandled. */
export function firstReply<T>(worker: Worker, what: string): Promise<T> {
  const reply = new Promise<T>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${what} exited (code ${code}) without a result`)));
  });
  reply.catch(() => undefined);
  return reply;
}
