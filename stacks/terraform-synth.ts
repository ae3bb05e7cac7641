/**
 * The Terraform half of `stacks synth`: every contribution's cdktf stack, synthesized into a
 * directory of its own. cdktf resolves tokens value by value (~9,400 resources, ~2 s), so this half
 * runs in a worker thread: started first, it loads cdktf and the provider bindings while the main
 * thread loads the inventory and builds the model; it then receives the model (a structured clone,
 * ~0.2 s) and synthesizes while the main thread checks, renders and writes the device configs. On
 * two cores the halves overlap.
 */
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { StacksError, type StacksErrorOptions } from '../lib/errors.js';
import { siblingPrefix } from '../lib/files.js';
import { compiledWorkerScript, firstReply } from '../lib/worker-thread.js';
import type { SynthModel } from './synth.js';
import { loadTerraformBuilders } from './terraform-builders.js';

export interface TerraformRequest {
  /** With its cloud model already computed (cloudModelOf), so the worker does not build it again. */
  model: SynthModel;
  /** Only these stacks (`--stack`); every Terraform stack when absent. */
  stacks?: string[];
  /** Where cdktf writes (manifest.json, stacks/<name>/cdk.tf.json). */
  outdir: string;
}

/** The modules synthTerraform needs; the worker loads them ahead, while the model is built. */
export function preloadTerraform() {
  return Promise.all([import('cdktn'), import('./registry.js'), loadTerraformBuilders()]);
}

/** What the worker runs; also the fallback in this thread. */
export async function synthTerraform(req: TerraformRequest): Promise<Record<string, number>> {
  const t0 = performance.now();
  const [{ App }, { allContributions }] = await preloadTerraform();
  const t1 = performance.now();
  const ctx = { inventory: req.model.inventory, topology: req.model.topology, backend: req.model.backend };
  const contributions = allContributions(req.model).filter((c) => c.build && (!req.stacks || req.stacks.includes(c.name)));
  if (contributions.length === 0) return {};
  const app = new App({ outdir: req.outdir, stackTraces: false, skipValidation: false });
  for (const c of contributions) c.build!(app, ctx);
  const t2 = performance.now();
  app.synth();
  const seconds = (a: number, b: number) => Math.round(b - a) / 1000;
  return { wait_for_modules: seconds(t0, t1), construct: seconds(t1, t2), synth: seconds(t2, performance.now()) };
}

export type WorkerError = Omit<Partial<StacksErrorOptions>, 'cause'> & { message: string; stack?: string };
export type WorkerReply = { ok: true; timings: Record<string, number> } | { ok: false; error: WorkerError };

export class TerraformJob {
  readonly dir: string;
  private readonly worker?: Worker;
  private readonly replied?: Promise<void>;
  private result?: Promise<void>;
  /** Seconds the Terraform half spent waiting for its modules, constructing and synthesizing. */
  timings: Record<string, number> = {};

  /** Starts the worker at once; `dir` is a hidden sibling of the output, so files move by rename. */
  constructor(opts: { beside: string }) {
    mkdirSync(dirname(opts.beside), { recursive: true });
    this.dir = mkdtempSync(siblingPrefix(opts.beside, 'terraform'));
    const script = compiledWorkerScript(new URL('./terraform-worker.js', import.meta.url));
    // Run from the TypeScript sources there is no compiled worker beside this module: synthesize here.
    if (!script) return;
    // cdktf's resolution allocates short-lived objects by the million: with the default young
    // generation the worker spent ~2.7 s of ~4 s collecting garbage (and ran 3 s longer, 180 MB
    // bigger) on most runs; 64 MB measured best (4.6–4.8 s for the whole synth, ~420 MB peak).
    const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    this.worker = worker;
    this.replied = firstReply<WorkerReply>(worker, 'the Terraform synth worker').then((reply) => {
      if (!reply.ok) throw revive(reply.error);
      this.timings = reply.timings;
    });
    this.replied.catch(() => undefined); // observed by finish(); never an unhandled rejection
  }

  /** Hand over the model; the stacks are synthesized from here on. */
  submit(model: SynthModel, stacks?: string[]): void {
    const request: TerraformRequest = { model, stacks, outdir: this.dir };
    if (this.worker) {
      this.worker.postMessage(request);
      this.result = this.replied;
    } else {
      this.result = synthTerraform(request).then((t) => void (this.timings = t));
      this.result.catch(() => undefined);
    }
  }

  /**
   * Wait for the stacks, then move their files into `staging` (the tree synth swaps in). A file
   * whose bytes `previous` (the output being replaced) already holds is linked from there instead,
   * so it keeps its timestamp and counts as unchanged; returns how many were.
   */
  async finish(staging: string, previous?: string): Promise<number> {
    if (!this.result) throw new Error('TerraformJob.finish before submit');
    await this.result;
    // cdktf's own manifest.json at the root is not a stack's file: only stacks/ is counted
    return moveTree(this.dir, staging, previous && existsSync(previous) ? previous : undefined, false);
  }

  /** Stop the worker (if still running) and remove what it wrote. Safe to call twice. */
  async dispose(): Promise<void> {
    await this.worker?.terminate();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function moveTree(from: string, to: string, previous: string | undefined, counted = true): number {
  let unchanged = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    const before = previous && join(previous, entry.name);
    if (entry.isDirectory() && (existsSync(dst) || before)) {
      mkdirSync(dst, { recursive: true });
      unchanged += moveTree(src, dst, before && existsSync(before) ? before : undefined);
    } else if (entry.isFile() && before && sameBytes(src, before) && linked(before, dst)) {
      if (counted) unchanged++;
    } else renameSync(src, dst);
  }
  return unchanged;
}

function linked(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch {
    return false; // another file system, or no hard links there: move the new copy instead
  }
}

function sameBytes(a: string, b: string): boolean {
  try {
    return readFileSync(a).equals(readFileSync(b));
  } catch {
    return false;
  }
}

function revive(e: WorkerError): Error {
  if (!e.code) return Object.assign(new Error(e.message), { stack: e.stack });
  return new StacksError({ code: e.code, message: e.message, kind: e.kind, file: e.file, path: e.path, hint: e.hint });
}
