import { mkdir, readFile, rename, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve, basename } from 'node:path';
import { load as parseYaml, YAMLException, CORE_SCHEMA } from 'js-yaml';
import { StacksError } from './errors.js';

/** Read a YAML or JSON document; a syntax error names the file, line and column. */
export async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new StacksError({ code: 'E_FILE_READ', file, message: `cannot read file: ${(cause as Error).message}`, cause });
  }
  return parseDocument(file, text);
}

export function parseDocument(file: string, text: string): unknown {
  try {
    if (file.endsWith('.json')) return JSON.parse(text);
    // js-yaml rather than `yaml`: the same documents parse ~6x faster, which synth's budget needs.
    // CORE_SCHEMA: YAML 1.2 core types only, so a date stays a string as with the `yaml` package.
    return parseYaml(text, { filename: file, schema: CORE_SCHEMA });
  } catch (cause) {
    const where = cause instanceof YAMLException ? `line ${cause.mark.line + 1}, column ${cause.mark.column + 1}` : '';
    const reason = cause instanceof YAMLException ? cause.reason : (cause as Error).message.split('\n')[0];
    throw new StacksError({ code: 'E_PARSE', file, path: where, message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`, cause });
  }
}

/** Keys sorted recursively so that two runs over the same model produce byte-identical files. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as Record<string, unknown>).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** A tree of files to write: relative path → contents. */
export type FileTree = Map<string, string | Buffer>;

/**
 * Replace `target` with exactly the files in `tree`, all or nothing: the tree is written into a
 * sibling temporary directory, then swapped in by two renames. A crash leaves either the old or the
 * new directory in place (plus a stray hidden directory beside it), never a half-written one.
 */
export async function writeTreeAtomically(target: string, tree: FileTree): Promise<void> {
  await replaceDirAtomically(target, (staging) => void writeFilesUnder(staging, tree, target));
}

export interface WriteSummary {
  written: number;
  /** Files hard-linked from `unchangedFrom` because their contents were already there. */
  reused: number;
}

/**
 * Write many small files under `root`, each directory made once. Synchronous on purpose: for
 * thousands of device configs a promise round trip per file costs more than the write itself.
 *
 * With `unchangedFrom` (the tree this one replaces), a file whose bytes equal the file at the same
 * path there is hard-linked instead of written: writing a small file costs ~0.4 ms on this class
 * of VM (page-cache allocation), reading and comparing ~0.13 ms, linking ~0.02 ms — and a re-synth
 * changes few of its 4,000 files. The replaced tree is removed after the swap, so the new tree ends
 * up sole owner of every linked file, and unchanged files keep their timestamps.
 */
export function writeFilesUnder(root: string, files: Iterable<[string, string | Buffer]>, unchangedFrom?: string): WriteSummary {
  const made = new Set<string>();
  const summary: WriteSummary = { written: 0, reused: 0 };
  // A first synth has nothing to link from: skip a failing read per file.
  if (unchangedFrom !== undefined && !existsSync(unchangedFrom)) unchangedFrom = undefined;
  for (const [rel, contents] of files) {
    const file = join(root, rel);
    const dir = dirname(file);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    // Encoded once: compared byte for byte with the old file (memcmp, no decoding), written if new.
    const bytes = typeof contents === 'string' ? Buffer.from(contents) : contents;
    if (unchangedFrom && linkIfUnchanged(join(unchangedFrom, rel), file, bytes)) {
      summary.reused++;
      continue;
    }
    writeFileSync(file, bytes);
    summary.written++;
  }
  return summary;
}

function linkIfUnchanged(before: string, file: string, bytes: Buffer): boolean {
  try {
    if (!readFileSync(before).equals(bytes)) return false;
    linkSync(before, file);
    return true;
  } catch {
    return false; // absent, unreadable, or not linkable (another file system): write it
  }
}

export interface ReplaceOptions {
  /**
   * Remove the replaced tree in a detached process instead of waiting for it: a command that
   * swaps in thousands of files returns as soon as the new tree is in place.
   */
  removeOldInBackground?: boolean;
}

/** Like writeTreeAtomically, for producers that write into a directory themselves (cdktf's App). */
export async function replaceDirAtomically(target: string, fill: (staging: string) => Promise<void> | void, opts: ReplaceOptions = {}): Promise<void> {
  const staging = await makeStaging(target);
  try {
    await fill(staging);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  await swapIn(staging, target, opts);
}

/** A hidden temporary sibling of `target` (same file system, so swapIn is a rename). */
export async function makeStaging(target: string): Promise<string> {
  const abs = resolve(target);
  await mkdir(dirname(abs), { recursive: true });
  return mkdtemp(join(dirname(abs), `.${basename(abs)}.staging-`));
}

/** Put a complete staging tree in `target`'s place by two renames; the replaced tree is removed. */
export async function swapIn(staging: string, target: string, opts: ReplaceOptions = {}): Promise<void> {
  const abs = resolve(target);
  const parent = dirname(abs);
  const old = join(parent, `.${basename(abs)}.old-${process.pid}-${Date.now()}`);
  if (existsSync(abs)) await rename(abs, old);
  await rename(staging, abs);
  // Trees an earlier, interrupted run left behind go too.
  const stale = readdirSync(parent).filter((e) => e.startsWith(`.${basename(abs)}.old-`)).map((e) => join(parent, e));
  if (opts.removeOldInBackground) removeInBackground(stale);
  else for (const dir of stale) await rm(dir, { recursive: true, force: true });
}

function removeInBackground(dirs: string[]): void {
  if (dirs.length === 0) return;
  const child = spawn('rm', ['-rf', '--', ...dirs], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
/**
 * Write one file atomically (temp file + rename in the same directory). `mode` applies from the
 * file's creation (state and secrets pass 0o600: no window in which another user can open it).
 */
export async function writeFileAtomically(file: string, contents: string | Buffer, opts: { mode?: number } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  if (opts.mode !== undefined) await rm(tmp, { force: true }); // a stale temp file would keep its old mode
  await writeFile(tmp, contents, opts.mode !== undefined ? { mode: opts.mode, flag: 'wx' } : {});
  await rename(tmp, file);
}

/** State files are private from creation. */
export const PRIVATE = { mode: 0o600 } as const;
