/**
 * The config-level verification of several dialects at once, one worker thread per dialect: each
 * dialect's render, parse, control plane and questions are independent of the other's, so on a
 * machine with two cores `stacks verify --failures` (FRR and VRP) takes the time of the slower one,
 * not of both (issue 10's figure). The topology goes to a thread by structured clone (~0.2 s;
 * rebuilding it from the inventory there would cost ~1 s). Run from the TypeScript sources, where
 * there is no compiled worker script, or for one dialect, the work stays in this thread.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerScript, firstReply } from '../../lib/worker-thread.js';
import type { DialectId } from '../../network/render/index.js';
import type { Topology } from '../../network/types.js';
import { renderedConfigs, verifyConfigs, type ConfigVerification, type RenderedConfigFile } from '../../network/verify/config/index.js';

export interface ConfigJob {
  topology: Topology;
  dialect: DialectId;
  /** The files as on disk (`--from`); rendered from the topology where the job runs when absent. */
  files?: RenderedConfigFile[];
  failures?: boolean;
  checkPrefix?: string;
}

export interface ConfigJobResult extends ConfigVerification {
  /** Milliseconds rendering the configs (0 when they came as files). */
  renderMs: number;
}

export type ConfigJobReply = { ok: true; result: ConfigJobResult } | { ok: false; message: string; stack?: string };

/** One dialect's verification, where it is called (the worker's body, and the in-thread fallback). */
export function runConfigJob(job: ConfigJob): ConfigJobResult {
  const t = performance.now();
  const files = job.files ?? renderedConfigs(job.topology, job.dialect);
  const renderMs = job.files ? 0 : performance.now() - t;
  const r = verifyConfigs(job.topology, files, {
    ...(job.failures !== undefined ? { failures: job.failures } : {}),
    ...(job.checkPrefix ? { checkPrefix: job.checkPrefix } : {}),
  });
  return { ...r, renderMs };
}

/**
 * Every job's result, in the jobs' order. With several jobs, all but the last run in worker threads
 * and the last in this one, meanwhile: one heap fewer than a thread per job (the peak RSS of both
 * dialects at once is what the 1 GB budget has to hold) and no copy of the topology for it.
 */
export async function verifyConfigsInThreads(jobs: ConfigJob[]): Promise<ConfigJobResult[]> {
  const script = compiledWorkerScript(new URL('./verify-thread.js', import.meta.url));
  if (!script || jobs.length < 2) return jobs.map(runConfigJob);
  // No heap limits: a hard one makes a larger input fail instead of collecting more often.
  const replies = jobs
    .slice(0, -1)
    .map((job) => firstReply<ConfigJobReply>(new Worker(script, { workerData: job }), `the ${job.dialect} config verification thread`));
  const last = runConfigJob(jobs[jobs.length - 1]!);
  const out: ConfigJobResult[] = [];
  for (const reply of replies) {
    const r = await reply;
    if (!r.ok) throw Object.assign(new Error(r.message), r.stack ? { stack: r.stack } : {});
    out.push(r.result);
  }
  out.push(last);
  return out;
}
