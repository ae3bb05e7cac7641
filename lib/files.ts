import { mkdir, readFile, rename, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
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
 * new directory in place (plus a stray temp dir that the next run removes), never a half-written one.
 */
export async function writeTreeAtomically(target: string, tree: FileTree): Promise<void> {
  await replaceDirAtomically(target, async (staging) => {
    for (const [rel, contents] of tree) {
      const file = join(staging, rel);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, contents);
    }
  });
}

/** Like writeTreeAtomically, for producers that write into a directory themselves (cdktf's App). */
export async function replaceDirAtomically(target: string, fill: (staging: string) => Promise<void> | void): Promise<void> {
  const abs = resolve(target);
  const parent = dirname(abs);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(abs)}.staging-`));
  try {
    await fill(staging);
    const old = `${abs}.old-${process.pid}`;
    if (existsSync(abs)) await rename(abs, old);
    await rename(staging, abs);
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Write one file atomically (temp file + rename in the same directory). */
export async function writeFileAtomically(file: string, contents: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  await writeFile(tmp, contents);
  await rename(tmp, file);
}
