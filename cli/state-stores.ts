/**
 * What the state dir actually holds, for the GB/T 39786 view (policies/gm/view.ts): each file's
 * format from its first bytes, the algorithm its envelope names, its mode, and how many secret
 * values it holds in clear text. The secret values are the leaves of the sealed stores this
 * process can open (with the seal key the deploy uses); a private key in PEM/OpenSSH form counts
 * too. Values are only compared, never kept in the result or printed.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { looksSealed, readSecretDocument } from '../lib/sealed-file.js';
import type { StoreFact } from '../policies/gm/view.js';

/** Files larger than this are not read for secrets (configs and stores are far smaller). */
const MAX_SCAN_BYTES = 16 * 1024 * 1024;
/** Secret leaves shorter than this are not searched for (a 4-character value matches by chance). */
const MIN_SECRET_LENGTH = 8;
const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----/g;
/** Files listed even when they hold nothing secret: the stores a reader asks about. */
const LISTED = /(^|\/)(state\.json|ssh\.json|[^/]*\.tfstate|[^/]*\.sqlite|seal\.key|head\.json)$/;

function walk(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    // Device run dirs hold sockets; a lab's bind-mounted trees are not followed (no symlinks).
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile()) out.push(p);
  }
  return out;
}

function secretLeaves(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (value.length >= MIN_SECRET_LENGTH) out.add(value);
  } else if (Array.isArray(value)) for (const v of value) secretLeaves(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) secretLeaves(v, out);
}

export function readStateStores(stateDir: string, env: NodeJS.ProcessEnv = process.env): StoreFact[] {
  const files = walk(stateDir);
  const texts = new Map<string, string>();
  const read = (f: string) => {
    let t = texts.get(f);
    if (t === undefined) {
      t = lstatSync(f).size <= MAX_SCAN_BYTES ? readFileSync(f, 'latin1') : '';
      texts.set(f, t);
    }
    return t;
  };
  const secrets = new Set<string>();
  for (const f of files) {
    if (!looksSealed(read(f))) continue;
    try {
      secretLeaves(readSecretDocument(f, { env }).value, secrets);
    } catch {
      // A store this process cannot open (other key): its values are unknown, the file still listed.
    }
  }
  const out: StoreFact[] = [];
  for (const f of files) {
    const text = read(f);
    const path = relative(stateDir, f);
    const st = lstatSync(f);
    const sealed = looksSealed(text);
    const keys = sealed ? 0 : (text.match(PRIVATE_KEY) ?? []).length;
    let found = keys;
    if (!sealed) for (const s of secrets) if (text.includes(s)) found++;
    const format: StoreFact['format'] = sealed
      ? 'sealed'
      : text.startsWith('SQLite format 3\0')
        ? 'sqlite'
        : keys || basename(f) === 'seal.key' || /_key$/.test(f)
          ? 'key'
          : /^\s*[[{]/.test(text)
            ? 'json'
            : 'text';
    if (!sealed && !found && format !== 'key' && !LISTED.test(path)) continue;
    const fact: StoreFact = { path, format, mode: st.mode & 0o7777, plaintextSecrets: format === 'key' && !found ? 1 : found };
    if (sealed) {
      try {
        fact.alg = String((JSON.parse(text) as { alg?: unknown }).alg);
      } catch {
        fact.alg = '(unreadable envelope)';
      }
    }
    if (/^audit\/audit\.sqlite$/.test(path)) fact.auditChain = true;
    out.push(fact);
  }
  return out;
}
