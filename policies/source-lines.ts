/**
 * Where a path such as `private_networks[3].target` sits in a YAML or JSON inventory file, as a
 * line and column for SARIF regions. Reads each file once; a path that no longer resolves (the
 * key is absent) points at its nearest existing ancestor.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { SarifRegion } from './sarif.js';

interface Parsed {
  doc: ReturnType<typeof parseDocument>;
  lines: LineCounter;
}

function pathSegments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

export function sourceLocator(): (file: string, path: string | undefined) => SarifRegion | undefined {
  const cache = new Map<string, Parsed | null>();
  const parsed = (file: string): Parsed | null => {
    if (!cache.has(file)) {
      try {
        const lines = new LineCounter();
        const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, keepSourceTokens: false });
        cache.set(file, { doc, lines });
      } catch {
        cache.set(file, null);
      }
    }
    return cache.get(file)!;
  };
  return (file, path) => {
    const p = parsed(file);
    if (!p) return undefined;
    let node: Node | null | undefined = p.doc.contents as Node | null;
    let found: Node | null | undefined = node;
    for (const seg of path ? pathSegments(path) : []) {
      if (isSeq(node) && typeof seg === 'number') node = node.items[seg] as Node | undefined;
      else if (isMap(node)) {
        const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(seg));
        node = (pair?.value ?? pair?.key) as Node | undefined;
      } else node = undefined;
      if (!node) break;
      found = node;
    }
    const offset = found?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = p.lines.linePos(offset);
    return { startLine: pos.line, startColumn: pos.col };
  };
}
