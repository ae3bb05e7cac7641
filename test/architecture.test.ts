/**
 * The pure core (network/, cloud/, policies/ rules) does no I/O: it imports no fs, child_process,
 * net or worker_threads, and no module of a target or an edge (lab/, dr/, the file helpers, locks,
 * processes). Type-only imports are erased at build time and allowed. Tests beside the code may
 * read fixtures, so *.test.ts files are not checked.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO } from './support/cli.js';

// policies/ rules: the rule folders (the SARIF source locator beside them reads files for reports)
const CORE = ['network', 'cloud', 'policies/network', 'policies/cloud'];
const FORBIDDEN_BUILTINS = /^(node:)?(fs|fs\/promises|child_process|net|dgram|worker_threads)$/;
const FORBIDDEN_MODULES = [
  /^lab\//,
  /^dr\//,
  /^monitors\/store\//,
  /^migrations\/ssh/,
  /^lib\/(files|lock|processes|write-thread|write-worker|worker-thread|faults)\.js$/,
  /^stacks\/terraform-/,
];

/**
 * Today's exceptions, each owned by another change that moves it out of the core:
 * network/render/frr-check.ts runs `vtysh -C` (diffcheck moves it to the edge).
 */
const ALLOWED = new Set(['network/render/frr-check.ts']);

function sources(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => relative(REPO, join(e.parentPath, e.name)));
}

/** Runtime imports of a file: static `import … from` / `export … from` (not `import type`), and `import()`. */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\s+from\s+'([^']+)'/gm)) if (!m[2]) out.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

describe('the pure core imports no I/O', () => {
  it('network/, cloud/, policies/ import no fs, child_process or target module', () => {
    const offences: string[] = [];
    for (const file of CORE.flatMap(sources)) {
      if (ALLOWED.has(file)) continue;
      for (const spec of runtimeImports(readFileSync(join(REPO, file), 'utf8'))) {
        const target = spec.startsWith('.') ? relative(REPO, resolve(REPO, dirname(file), spec)) : spec;
        if (FORBIDDEN_BUILTINS.test(spec) || FORBIDDEN_MODULES.some((re) => re.test(target))) offences.push(`${file} imports ${spec}`);
      }
    }
    expect(offences).toEqual([]);
  });

  it('the checker sees what it must', () => {
    expect(runtimeImports("import { x } from 'node:fs';\nimport type { Y } from '../lab/state.js';\nconst m = await import('../lab/a.js');")).toEqual([
      'node:fs',
      '../lab/a.js',
    ]);
  });
});
