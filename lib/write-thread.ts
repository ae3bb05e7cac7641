/**
 * writeFilesUnder in a worker thread, so that creating thousands of files (kernel time: ~0.4 ms a
 * small file on this class of VM) runs on the other core while the caller keeps computing. The
 * files are handed over by structured clone (a memory copy, ~20 ms for synth's 18 MB).
 */
import { Worker } from 'node:worker_threads';
import { writeFilesUnder, type WriteSummary } from './files.js';
import { compiledWorkerScript, firstReply } from './worker-thread.js';

export interface WriteJob {
  root: string;
  files: Array<[string, string | Buffer]>;
  unchangedFrom?: string;
}

export type WriteReply = { ok: true; summaries: WriteSummary[] } | { ok: false; message: string };

export interface BackgroundWrite {
  /** One summary per job, in order. */
  done: Promise<WriteSummary[]>;
  /** Stop writing (the caller then removes what was written). */
  stop(): Promise<void>;
}

export function writeFilesInThread(jobs: WriteJob[]): BackgroundWrite {
  const script = compiledWorkerScript(new URL('./write-worker.js', import.meta.url));
  if (!script) {
    // run from the TypeScript sources: no compiled worker beside this module, write here
    const done = Promise.resolve().then(() => jobs.map((j) => writeFilesUnder(j.root, j.files, j.unchangedFrom)));
    return { done, stop: async () => void (await done.catch(() => undefined)) };
  }
  const worker = new Worker(script, { workerData: jobs });
  const done = firstReply<WriteReply>(worker, 'the file writer thread').then((r) => {
    if (!r.ok) throw new Error(`writing files: ${r.message}`);
    return r.summaries;
  });
  done.catch(() => undefined); // observed by the caller
  return { done, stop: async () => void (await worker.terminate()) };
}
