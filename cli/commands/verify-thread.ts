/** Worker-thread entry of one dialect's config verification (see verify-threads.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runConfigJob, type ConfigJob, type ConfigJobReply } from './verify-threads.js';

let reply: ConfigJobReply;
try {
  reply = { ok: true, result: runConfigJob(workerData as ConfigJob) };
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
}
parentPort!.postMessage(reply);
