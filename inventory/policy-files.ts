/**
 * Where the policy inputs beside the inventory are: the waivers file and the user rule modules.
 * province.yaml may name them (`policy: { waivers: waivers.yaml, rules: [policies/*.js] }`); absent,
 * the convention stands (`waivers.yaml` when present, every `policies/*.js|mjs`). A file or pattern
 * province.yaml names must be there: a typo would otherwise run the policies without the user's
 * rules or waivers and say nothing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { inputError, type StacksError } from '../lib/errors.js';
import type { ProvinceFile } from './schema.js';

export interface PolicyFiles {
  /** The waivers file to read; absent: none (the convention's waivers.yaml is not there). */
  waivers?: string;
  /** The user rule modules, in the order they load. */
  rules: string[];
}

/** Today's convention, used for whatever province.yaml does not name. */
const DEFAULT_WAIVERS = 'waivers.yaml';
const DEFAULT_RULES = ['policies/*.js', 'policies/*.mjs'];

/** `*` stands for any run of characters within the file name (never across folders). */
function matches(dir: string, pattern: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
  return readdirSync(dir)
    .filter((f) => re.test(f) && statSync(resolve(dir, f)).isFile())
    .sort()
    .map((f) => resolve(dir, f));
}

export function resolvePolicyFiles(province: ProvinceFile, dir: string, provincePath: string): { files: PolicyFiles; errors: StacksError[] } {
  const errors: StacksError[] = [];
  const named = province.policy;
  const inside = (rel: string, at: string): string | undefined => {
    const path = resolve(dir, rel);
    const r = relative(dir, path);
    if (r.startsWith('..') || isAbsolute(r)) {
      errors.push(
        inputError('E_FILE_OUTSIDE', provincePath, at, `"${rel}" leaves the inventory folder`, 'name files inside the folder that holds province.yaml'),
      );
      return undefined;
    }
    return path;
  };
  let waivers: string | undefined;
  if (named?.waivers !== undefined) {
    const path = inside(named.waivers, 'policy.waivers');
    if (path && !existsSync(path)) errors.push(inputError('E_FILE_MISSING', provincePath, 'policy.waivers', `names ${path}, which does not exist`));
    else waivers = path;
  } else if (existsSync(resolve(dir, DEFAULT_WAIVERS))) waivers = resolve(dir, DEFAULT_WAIVERS);
  const rules: string[] = [];
  (named?.rules ?? DEFAULT_RULES).forEach((entry, i) => {
    const at = `policy.rules[${i}]`;
    const path = inside(entry, at);
    if (!path) return;
    const found = entry.includes('*') ? matches(dirname(path), basename(path)) : existsSync(path) ? [path] : [];
    // An empty match of the convention means "no user rules"; of a pattern the user wrote, a typo.
    if (!found.length && named?.rules)
      errors.push(inputError('E_FILE_MISSING', provincePath, at, entry.includes('*') ? `"${entry}" matches no file` : `names ${path}, which does not exist`));
    for (const f of found) if (!rules.includes(f)) rules.push(f);
  });
  return { files: { ...(waivers ? { waivers } : {}), rules }, errors };
}
