/**
 * Secret references resolved at deploy. The synthesized tree holds `{{secret:<path>}}` tokens
 * (lib/secret-ref-token.ts), never values; a target that is about to put a config on a device calls
 * `resolveSecretRefs` on that text with the network secret store, and only the device (and the
 * sealed store) ever hold the value.
 *
 * The store is one SM4-sealed JSON document (lib/sealed-file.ts) under the state dir,
 * `<state>/secrets/network.json`: `{ "version": 1, "secrets": { "<path>": "<value>" } }`. Secrets
 * stacks may make itself (SNMPv3 keys, local user passwords, OSPF keys: `GENERATED_SECRETS`) are
 * generated on first need and sealed before any device sees them; any other path (a TACACS shared
 * key that the AAA team owns) must be put in the store by an operator, and a config that refers to a
 * path the store lacks is refused before anything is pushed.
 *
 * Never logs or echoes a value: errors name the path and where it was referenced, and a value that
 * would break the line it is put into (a newline, a quote, a control character) is refused by path.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inputError, runtimeError } from './errors.js';
import { readSecretDocument, writeSecretDocument } from './sealed-file.js';
import { ensurePrivateDir } from './private-files.js';
import { isMd5KeyPath } from '../network/ospf-keyring.js';
import { findMalformedRefs, findSecretRefs, isSecretPath, secretRefPattern } from './secret-ref-token.js';

export { findMalformedRefs, findSecretRefs, isSecretPath, refPath, secretRef } from './secret-ref-token.js';

const SECRET_STORE_VERSION = 1;
export const secretStoreFile = (stateDir: string): string => join(stateDir, 'secrets', 'network.json');

/** A secret kind stacks generates itself, by the path's first segment. */
export interface SecretGenerator {
  /** First path segment, e.g. `snmp` for `snmp/v3/noc/auth`. */
  kind: string;
  generate(path: string): string;
}

/**
 * 24 random bytes as base64url (32 characters): longer than SNMPv3's 8-character minimum and VRP's
 * cipher-password minimums, and free of the quotes, spaces and `#` that a config line would trip on.
 */
const randomToken = (): string => randomBytes(24).toString('base64url');
/** Local user passwords must satisfy VRP's complexity rule (upper, lower, digit, special). */
const randomPassword = (): string => `Sx${randomBytes(18).toString('base64url').replace(/[-_]/g, '')}9@`;

const GENERATED_SECRETS: readonly SecretGenerator[] = [
  { kind: 'snmp', generate: randomToken },
  { kind: 'users', generate: randomPassword },
  // OSPFv2 keyed MD5 takes 16 characters at most (network/ospf-keyring.ts): 12 random bytes
  { kind: 'ospf', generate: (path) => (isMd5KeyPath(path) ? randomBytes(12).toString('base64url') : randomToken()) },
  { kind: 'ospf6', generate: randomToken },
];

const kindOf = (path: string) => path.split('/')[0]!;

/** Characters a value may not hold: it is put verbatim into a config line (quoted in snmpd.conf). */
const UNSAFE_VALUE = /[\s"'\\\p{Cc}]/u;

export class SecretStore {
  private constructor(
    readonly file: string,
    private readonly values: Map<string, string>,
    private dirty: boolean,
  ) {}

  /** Open the sealed store (empty when the file does not exist yet). */
  static open(file: string): SecretStore {
    if (!existsSync(file)) return new SecretStore(file, new Map(), false);
    const doc = readSecretDocument(file);
    const secrets = (doc.value as { version?: unknown; secrets?: unknown } | null)?.secrets;
    if (!secrets || typeof secrets !== 'object' || Array.isArray(secrets))
      throw inputError('E_SECRETS', file, 'secrets', 'is not a secret store (expected { "version": 1, "secrets": { "<path>": "<value>" } })');
    const values = new Map<string, string>();
    for (const [path, value] of Object.entries(secrets as Record<string, unknown>)) {
      // The path is a name, safe to print; the value never is.
      if (!isSecretPath(path)) throw inputError('E_SECRETS', file, `secrets.${path}`, 'is not a valid secret path');
      if (typeof value !== 'string' || !value.length) throw inputError('E_SECRETS', file, `secrets.${path}`, 'must be a non-empty string');
      values.set(path, value);
    }
    // A store from before sealing is sealed the next time it is saved.
    return new SecretStore(file, values, !doc.sealed);
  }

  static forState(stateDir: string): SecretStore {
    return SecretStore.open(secretStoreFile(stateDir));
  }

  get(path: string): string | undefined {
    return this.values.get(path);
  }

  has(path: string): boolean {
    return this.values.has(path);
  }

  paths(): string[] {
    return [...this.values.keys()].sort();
  }

  set(path: string, value: string): void {
    if (!isSecretPath(path)) throw inputError('E_SECRET_PATH', this.file, path, 'is not a valid secret path (segments of letters, digits, . _ - joined by /)');
    if (!value.length || UNSAFE_VALUE.test(value))
      throw inputError('E_SECRET_VALUE', this.file, path, 'the value is empty or holds a space, quote, backslash or control character');
    if (this.values.get(path) === value) return;
    this.values.set(path, value);
    this.dirty = true;
  }

  delete(path: string): void {
    if (this.values.delete(path)) this.dirty = true;
  }

  /** Seal the store to disk (0600 from creation, in a 0700 folder) when anything changed. */
  save(): void {
    if (!this.dirty) return;
    ensurePrivateDir(join(this.file, '..'));
    const secrets: Record<string, string> = {};
    for (const p of this.paths()) secrets[p] = this.values.get(p)!;
    writeSecretDocument(this.file, { version: SECRET_STORE_VERSION, secrets });
    this.dirty = false;
  }

  /** Every value, for leak checks (a test greps files for them) and for redacting a diff. */
  allValues(): string[] {
    return [...this.values.values()];
  }
}

/**
 * Generate (and keep, unsaved) every path in `paths` that the store lacks and whose kind stacks
 * generates; returns the paths it generated. Paths of other kinds are left for `resolveSecretRefs`
 * to refuse.
 */
export function ensureGeneratedSecrets(store: SecretStore, paths: Iterable<string>, generators: readonly SecretGenerator[] = GENERATED_SECRETS): string[] {
  const made: string[] = [];
  for (const path of paths) {
    if (store.has(path)) continue;
    const gen = generators.find((g) => g.kind === kindOf(path));
    if (!gen) continue;
    store.set(path, gen.generate(path));
    made.push(path);
  }
  return made.sort();
}

export interface ResolveOptions {
  /** Where the text is going, for errors: a device id, a file. */
  where: string;
  /** Hint for an unresolved path (e.g. how to set it). */
  hint?: string;
}

/** A lookup from path to value: a SecretStore, or a plain map in tests. */
export type SecretLookup = Pick<SecretStore, 'get'>;

/** Every reference in `text` that `lookup` cannot resolve (sorted). */
function unresolvedRefs(text: string, lookup: SecretLookup): string[] {
  return findSecretRefs(text).filter((p) => lookup.get(p) === undefined);
}

/**
 * `text` with every reference replaced by its value. Refuses (exit 2, nothing replaced) a
 * malformed reference or one the store cannot resolve, naming `where` and every path, and never a value.
 */
export function resolveSecretRefs(text: string, lookup: SecretLookup, opts: ResolveOptions): string {
  const malformed = findMalformedRefs(text);
  if (malformed.length)
    throw inputError(
      'E_SECRET_REF',
      opts.where,
      malformed[0]!,
      'is not a well-formed secret reference',
      'a reference is {{secret:<path>}} with path segments of letters, digits, . _ - joined by /',
    );
  const missing = unresolvedRefs(text, lookup);
  if (missing.length)
    throw inputError(
      'E_SECRET_UNRESOLVED',
      opts.where,
      missing.join(', '),
      `refers to ${missing.length === 1 ? 'a secret' : `${missing.length} secrets`} the secret store does not hold`,
      opts.hint ?? 'put the value in the store (`stacks secrets set PATH`, value on stdin) and deploy again',
    );
  return text.replace(secretRefPattern(), (_, path: string) => {
    const value = lookup.get(path)!;
    if (UNSAFE_VALUE.test(value))
      throw runtimeError(
        'E_SECRET_VALUE',
        `${opts.where}: the secret ${path} holds a character that would break the config line`,
        'set it again without spaces, quotes or control characters',
      );
    return value;
  });
}

/** Resolve a set of texts against the store, generating what stacks may generate, and seal the store first. */
export function resolveForDeploy(
  store: SecretStore,
  texts: ReadonlyArray<{ where: string; text: string }>,
  generators: readonly SecretGenerator[] = GENERATED_SECRETS,
): string[] {
  const paths = new Set<string>();
  for (const t of texts) for (const p of findSecretRefs(t.text)) paths.add(p);
  ensureGeneratedSecrets(store, paths, generators);
  // Resolve everything before saving or returning: one unresolved reference anywhere pushes nothing.
  const out = texts.map((t) => resolveSecretRefs(t.text, store, { where: t.where }));
  // Sealed before any device holds a generated value, so a crash after the push loses nothing.
  store.save();
  return out;
}

/** `text` with every value of `values` replaced by `{{secret}}`: for a diff or an error that quotes device output. */
export function redactSecretValues(text: string, values: Iterable<string>): string {
  let out = text;
  for (const v of [...values].sort((a, b) => b.length - a.length)) if (v.length >= 4) out = out.split(v).join('{{secret}}');
  return out;
}

/**
 * A rendered config with the values the store holds put in (references it lacks stay as they are):
 * what a deployed device runs, for comparing with its running or recorded config. What goes out of
 * such a comparison passes `redactSecretValues` first.
 */
export function withKnownSecrets(text: string, store: SecretLookup): string {
  return text.replace(secretRefPattern(), (ref, path: string) => store.get(path) ?? ref);
}
