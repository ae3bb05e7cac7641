/**
 * The syntax of a secret reference, the only form a secret takes in the synthesized tree:
 * the literal token `{{secret:<path>}}` (e.g. `{{secret:snmp/v3/noc/auth}}`). Pure (no I/O), so the
 * renderers in the core can write references; resolving them is lib/secret-refs.ts, at deploy.
 *
 * A path is slash-separated segments of letters, digits, `.`, `_` and `-` (an OSPF area id such as
 * `area-0.0.0.0` is one segment). Two references are the same secret exactly when their paths are
 * equal, which is how the config verifier compares them without knowing any value.
 */
const SEGMENT = '[A-Za-z0-9][A-Za-z0-9._-]*';
const PATH = `${SEGMENT}(?:/${SEGMENT})*`;
const SECRET_PATH_PATTERN = new RegExp(`^${PATH}$`);
/** Global pattern over a text; group 1 is the path. Always use a fresh copy (`lastIndex`). */
const REF_SOURCE = `\\{\\{secret:(${PATH})\\}\\}`;
export const secretRefPattern = (): RegExp => new RegExp(REF_SOURCE, 'g');

export function isSecretPath(path: string): boolean {
  return SECRET_PATH_PATTERN.test(path);
}

/** The reference token for `path`; a malformed path is a programming error, not user input. */
export function secretRef(path: string): string {
  if (!isSecretPath(path)) throw new Error(`not a secret path: ${JSON.stringify(path)}`);
  return `{{secret:${path}}}`;
}

/** The distinct paths referenced in `text`, sorted. */
export function findSecretRefs(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(secretRefPattern())) out.add(m[1]!);
  return [...out].sort();
}

/** Each `{{secret:` that does not start a well-formed reference (a typo that would otherwise reach a device verbatim). */
export function findMalformedRefs(text: string): string[] {
  const out: string[] = [];
  const wellFormed = new RegExp(`^${REF_SOURCE}`);
  for (let i = text.indexOf('{{secret:'); i >= 0; i = text.indexOf('{{secret:', i + 1)) {
    if (!wellFormed.test(text.slice(i, i + 512))) out.push(text.slice(i, text.indexOf('\n', i) < 0 ? undefined : text.indexOf('\n', i)).slice(0, 80));
  }
  return out;
}

/** The path of a token that is exactly one reference (a whole config field), else undefined. */
export function refPath(token: string): string | undefined {
  const m = /^\{\{secret:([^}]+)\}\}$/.exec(token);
  return m && isSecretPath(m[1]!) ? m[1] : undefined;
}
