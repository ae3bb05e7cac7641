/** Worker-thread entry of writeFilesInThread (write-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { writeFilesUnder } from './files.js';
import type { WriteJob, WriteReply } from './write-thread.js';

let reply: WriteReply;
try {
  reply = { ok: true, summaries: (workerData as WriteJob[]).map((j) => writeFilesUnder(j.root, j.files, j.unchangedFrom)) };
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
}
parentPort!.postMessage(reply);
