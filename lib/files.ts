import { mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, resolve, basename } from 'node:path';
import { load as parseYaml, YAMLException, CORE_SCHEMA } from 'js-yaml';
import { StacksError } from './errors.js';
import { faultPoint } from './faults.js';

/**
 * The largest input file read (bytes): a person's inventory is kilobytes (the ledger of the whole
 * province ~200 KB); 50 MB of pasted rows is a mistake that would otherwise cost gigabytes of
 * memory and a million error lines. `--max-input-size` or STACKS_MAX_INPUT_BYTES changes it.
 */
export const DEFAULT_MAX_INPUT_BYTES = 16 * 1024 * 1024;
let maxInputBytes = Number(process.env.STACKS_MAX_INPUT_BYTES) || DEFAULT_MAX_INPUT_BYTES;
export function setMaxInputBytes(bytes: number): void {
  maxInputBytes = bytes;
}

/** `16M`, `512K`, `2G` or plain bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([KMG]i?B?|B)?$/i.exec(text.trim());
  if (!m)
    throw new StacksError({ code: 'E_USAGE', file: '(command line)', path: '--max-input-size', message: `"${text}" is not a size`, hint: 'e.g. 16M, 512K' });
  const unit = (m[2] ?? 'B').toUpperCase()[0];
  return Number(m[1]) * (unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Read a YAML or JSON document; a syntax error names the file, line and column. */
export async function readDocument(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    const size = (await stat(file)).size;
    if (size > maxInputBytes) {
      throw new StacksError({
        code: 'E_INPUT_TOO_LARGE',
        file,
        message: `is ${size} bytes, over the input limit of ${maxInputBytes}`,
        hint: 'an inventory file is kilobytes; raise the limit with --max-input-size if this one is meant to be this big',
      });
    }
    bytes = await readFile(file);
  } catch (cause) {
    if (cause instanceof StacksError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new StacksError({
      code: code === 'ENOENT' ? 'E_FILE_MISSING' : 'E_FILE_READ',
      file,
      message: code === 'ENOENT' ? 'does not exist' : `cannot read file: ${(cause as Error).message}`,
      cause,
    });
  }
  return parseDocument(file, decodeUtf8(file, bytes));
}

/** Bytes → text, refusing invalid UTF-8 (it would reach device configs as U+FFFD) with its line. */
function decodeUtf8(file: string, bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // '\n' (0x0a) never occurs inside a multi-byte sequence: decode line by line to find the bad one
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end === -1 ? bytes.length : end;
      try {
        utf8.decode(bytes.subarray(start, stop));
      } catch {
        break;
      }
      start = stop + 1;
    }
    throw new StacksError({ code: 'E_ENCODING', file, path: `line ${line}`, message: 'is not valid UTF-8', hint: 'save the file as UTF-8' });
  }
}

export function parseDocument(file: string, text: string): unknown {
  if (text.trim() === '')
    throw new StacksError({ code: 'E_EMPTY_FILE', file, message: `is empty; expected a ${file.endsWith('.json') ? 'JSON' : 'YAML'} document` });
  try {
    if (file.endsWith('.json')) return JSON.parse(text);
    // js-yaml rather than `yaml`: the same documents parse ~6x faster, which synth's budget needs.
    // CORE_SCHEMA: YAML 1.2 core types only, so a date stays a string as with the `yaml` package.
    return parseYaml(text, { filename: file, schema: CORE_SCHEMA });
  } catch (cause) {
    const where = cause instanceof YAMLException ? `line ${cause.mark.line + 1}, column ${cause.mark.column + 1}` : jsonWhere(text, cause as Error);
    const reason = cause instanceof YAMLException ? cause.reason : (cause as Error).message.split('\n')[0]!.replace(/ in JSON at position \d+.*$/, '');
    throw new StacksError({ code: 'E_PARSE', file, path: where, message: `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`, cause });
  }
}

/** V8 reports a JSON error's byte offset ("at position 12"); people read lines and columns. */
function jsonWhere(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  const offset = m ? Number(m[1]) : /Unexpected end of JSON input/.test(err.message) ? text.length : undefined;
  if (offset === undefined) return '';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

export { stableJson } from './stable-json.js';

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

/**
 * The hidden siblings of an output `target`, by role. Each carries the pid of the process that
 * made it, so a person can tell whose it was; the next run (holding the output's lock) removes
 * every one that is not the live generation.
 */
const SIBLING_ROLES = ['staging', 'terraform', 'gen', 'old', 'link'] as const;
export type SiblingRole = (typeof SIBLING_ROLES)[number];

export function siblingPrefix(target: string, role: SiblingRole): string {
  const abs = resolve(target);
  return join(dirname(abs), `.${basename(abs)}.${role}-${process.pid}-`);
}

/** A hidden temporary sibling of `target` (same file system, so swapIn is a rename). */
export async function makeStaging(target: string): Promise<string> {
  const abs = resolve(target);
  await mkdir(dirname(abs), { recursive: true });
  return mkdtemp(siblingPrefix(abs, 'staging'));
}

/**
 * Put a complete staging tree in `target`'s place in one atomic step. `target` is a symbolic link
 * to the live generation (`.NAME.gen-…`); the swap renames a new link over it (rename(2) replaces
 * a link atomically), so at every instant `target` is the old tree or the new one, never absent.
 * renameat2(RENAME_EXCHANGE) would do the same for a real directory, but Node has no binding for
 * it and no well-kept npm package offers one (coreutils' `mv --exchange` needs 9.5; Debian 12
 * ships 9.1). Measured here (2,000 swap cycles of mkdir + swap + rmdir, a loaded 2-core VM): 5.0 ms
 * for the flip, 4.9 ms for the old two renames — the same cost, without their gap, which left no
 * `target` at all to a crash (kill -9 there lost out/) or to a reader.
 *
 * A `target` that is still a real directory (written before this scheme) is moved aside first,
 * once: that one swap has the old gap.
 */
export async function swapIn(staging: string, target: string, opts: ReplaceOptions = {}): Promise<void> {
  const abs = resolve(target);
  const generation = `${siblingPrefix(abs, 'gen')}${basename(staging).split('-').pop()}`;
  renameSync(staging, generation);
  const link = `${siblingPrefix(abs, 'link')}${Date.now()}`;
  symlinkSync(basename(generation), link);
  faultPoint('files:link-made');
  const before = lstatOrUndefined(abs);
  if (before?.isDirectory()) renameSync(abs, `${siblingPrefix(abs, 'old')}${Date.now()}`);
  else if (before && !before.isSymbolicLink())
    throw new StacksError({ code: 'E_OUTPUT_NOT_OWNED', file: abs, message: 'is a file, not an output folder', hint: 'choose another --output' });
  renameSync(link, abs);
  faultPoint('files:swapped');
  const stale = staleSiblings(abs);
  if (opts.removeOldInBackground) removeInBackground(stale);
  else for (const dir of stale) await rm(dir, { recursive: true, force: true });
}

/** Siblings of `target` left by other processes or earlier generations: never the live one, never this process's own. */
function staleSiblings(target: string): string[] {
  const abs = resolve(target);
  const parent = dirname(abs);
  const live = liveGeneration(abs);
  const mine = `-${process.pid}-`;
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  const prefixes = SIBLING_ROLES.map((r) => `.${basename(abs)}.${r}-`);
  return entries
    .filter((e) => prefixes.some((p) => e.startsWith(p)))
    .filter((e) => e !== live)
    .filter((e) => !(e.includes(mine) && !e.startsWith(`.${basename(abs)}.gen-`) && !e.startsWith(`.${basename(abs)}.old-`)))
    .map((e) => join(parent, e));
}

/** The generation folder name `target` links to, if it is one of ours. */
function liveGeneration(target: string): string | undefined {
  try {
    const to = readlinkSync(target);
    return to.includes('/') ? undefined : to;
  } catch {
    return undefined;
  }
}

/** Remove what staleSiblings finds; called by the next run while it holds the output's lock. */
export function removeStaleSiblings(target: string, opts: ReplaceOptions = {}): string[] {
  const stale = staleSiblings(target).filter((p) => !p.includes(`-${process.pid}-`));
  if (opts.removeOldInBackground) removeInBackground(stale);
  else for (const dir of stale) rmSync(dir, { recursive: true, force: true });
  return stale;
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The marker synth writes at the root of every output it creates: what makes a folder "ours". */
export const OUTPUT_MARKER = 'stacks-manifest.json';

export interface ClaimOptions {
  /** Adopt a non-empty folder synth did not create (its contents are replaced). */
  forceOwned?: boolean;
  /** Folders the output must never be, nor contain (the inventory, the state folder). */
  protect?: string[];
}

/**
 * May synth replace `target`? Yes when it does not exist, is empty, or carries OUTPUT_MARKER (or
 * is an output of an earlier version: only cdktf's manifest.json and stacks/). Anything else is
 * someone's folder: refused (exit 2) unless `forceOwned`. A folder holding the inventory or the
 * state is refused even then — `-o .` in a project must never take the project with it.
 */
export function claimOutput(target: string, opts: ClaimOptions = {}): void {
  const abs = resolve(target);
  for (const kept of opts.protect ?? []) {
    const k = resolve(kept);
    if (k === abs || k.startsWith(abs + '/')) {
      throw new StacksError({
        code: 'E_OUTPUT_NOT_OWNED',
        file: abs,
        message: `holds ${k}, which synth must never replace`,
        hint: 'choose an output folder of its own, e.g. -o cdktf.out',
      });
    }
  }
  const st = lstatOrUndefined(abs);
  if (!st) return;
  if (st.isSymbolicLink()) {
    const live = liveGeneration(abs);
    if (live?.startsWith(`.${basename(abs)}.gen-`) && existsSync(join(abs, OUTPUT_MARKER))) return;
  } else if (st.isDirectory()) {
    const entries = readdirSync(abs);
    if (entries.length === 0 || entries.includes(OUTPUT_MARKER)) return;
    if (entries.every((e) => e === 'manifest.json' || e === 'stacks') && entries.includes('stacks')) return;
  }
  if (opts.forceOwned) return;
  throw new StacksError({
    code: 'E_OUTPUT_NOT_OWNED',
    file: abs,
    message:
      st.isDirectory() || st.isSymbolicLink()
        ? `is not empty and was not written by stacks synth (no ${OUTPUT_MARKER}); nothing replaced`
        : 'is a file, not an output folder',
    hint: 'choose another --output, or pass --force-owned to let synth replace this folder and everything in it',
  });
}

function removeInBackground(dirs: string[]): void {
  if (dirs.length === 0) return;
  const child = spawn('rm', ['-rf', '--', ...dirs], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}

/**
 * Write one file atomically: a temp file in the same directory, flushed to disk, renamed over the
 * file. `mode` applies from the file's creation (state and secrets pass 0o600: no window in which
 * another user can open it). On any failure (disk full, no permission) the temp file is removed and the error names the
 * file; the old file is untouched.
 */
export async function writeFileAtomically(file: string, contents: string | Buffer, opts: { mode?: number } = {}): Promise<void> {
  const tmp = await writeTemp(file, `.${basename(file)}.tmp-${process.pid}`, contents, opts.mode);
  try {
    await rename(tmp, file);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw fileError(cause, file);
  }
}

/** `contents` in `dir(file)/name`, on disk (fsync) before this returns; removed again if that fails. */
export async function writeTemp(file: string, name: string, contents: string | Buffer, mode = 0o644): Promise<string> {
  const tmp = join(dirname(file), name);
  try {
    // A private file's missing folders are private too (0700 at creation: the umask only narrows it).
    await mkdir(dirname(file), { recursive: true, mode: mode & 0o077 ? 0o777 : 0o700 });
    // a stale temp file would keep its old mode: start from none, so `mode` applies from creation
    await rm(tmp, { force: true });
    const handle = await open(tmp, 'wx', mode);
    try {
      faultPoint('files:write-temp', tmp);
      await handle.writeFile(contents);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (cause) {
    await rm(tmp, { force: true });
    throw fileError(cause, file);
  }
  return tmp;
}

const DISK_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'input/output error',
};

/** A file system failure as an error a person acts on: which path, what happened (not a stack trace). */
export function fileError(cause: unknown, file: string): unknown {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in DISK_ERRORS)) return cause;
  return new StacksError({
    code: `E_${code}`,
    kind: 'runtime',
    file,
    message: `cannot write: ${DISK_ERRORS[code]} (${code})`,
    hint:
      code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and run again; nothing was replaced' : 'check the owner and mode of the file and its folder',
    cause,
  });
}

/** State files are private from creation. */
export const PRIVATE = { mode: 0o600 } as const;
