/**
 * The target is one seam: outside targets/ no product file names a deploy target's id in a
 * conditional (`=== 'lab'`, `case 'ssh':`, `'lab' in x`), a hard-coded list (an array, a union
 * type of literals, an object keyed by two or more ids) or a hard-coded choice of target (an id
 * given to a function or a `--target` option, or held in a name that says target: `DEFAULT_TARGET =
 * 'lab'`, `loadTarget('lab')`). Everything else asks targets/registry.ts,
 * so a new target is one folder and one registry line. The ids come from the registry itself: a
 * target added there is checked here with no edit.
 *
 * Read from the source tree with the TypeScript parser (string literals only: comments and help
 * prose never match). Tests, test/ and bench/ drive a named target on purpose and are not scanned.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { targetNames } from './registry.js';

const REPO = resolve(import.meta.dirname, '..');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test', 'bench', 'cdktf.out', 'targets', '.git', '.stacks']);

/**
 * Files where a target's id is also another word, each with why. An entry that no longer matches
 * anything fails the test, so the list cannot outlive its reason.
 */
const ALLOWED: ReadonlyArray<{ file: string; id: string; why: string }> = [
  { file: 'policies/mlps/facts.ts', id: 'ssh', why: 'the SSH protocol of a vty line (ssh, telnet), not the ssh target' },
  { file: 'policies/network/management-acl.ts', id: 'ssh', why: 'the SSH protocol of a vty line, not the ssh target' },
  { file: 'network/render/management-parse.ts', id: 'ssh', why: 'the SSH protocol and the `ssh` keyword of a parsed config, not the ssh target' },
];

interface Finding {
  file: string;
  line: number;
  id: string;
  what: string;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) sourceFiles(join(dir, e.name), out);
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(join(dir, e.name));
  }
  return out;
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.InKeyword,
]);

/** Every place in `text` that names one of `ids` in a conditional or a hard-coded list. */
function targetIdUses(file: string, text: string, ids: ReadonlySet<string>): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const idOf = (n: ts.Node | undefined): string | undefined =>
    n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && ids.has(n.text) ? n.text : undefined;
  const literalType = (n: ts.Node) => (ts.isLiteralTypeNode(n) ? idOf(n.literal) : undefined);
  const keyOf = (p: ts.Node): string | undefined => {
    const name = (p as { name?: ts.Node }).name;
    if (!name) return undefined;
    const t = ts.isIdentifier(name) || ts.isStringLiteral(name) ? name.text : undefined;
    return t !== undefined && ids.has(t) ? t : undefined;
  };
  // Pick<T, 'lab' | 'root'> names properties of T (a lab id field), not targets
  const isKeyPick = (n: ts.Node) => ts.isTypeReferenceNode(n.parent) && /^(Pick|Omit)$/.test(n.parent.typeName.getText(sf));
  const add = (n: ts.Node, id: string, what: string) => found.push({ file, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1, id, what });
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && EQUALITY.has(n.operatorToken.kind)) {
      const id = idOf(n.left) ?? idOf(n.right);
      if (id) add(n, id, `compared (${n.getText(sf).slice(0, 60)})`);
    } else if (ts.isCaseClause(n)) {
      const id = idOf(n.expression);
      if (id) add(n, id, 'a case label');
    } else if (ts.isArrayLiteralExpression(n)) {
      for (const e of n.elements) {
        const id = idOf(e);
        if (id) add(e, id, 'in an array literal');
      }
    } else if (ts.isCallExpression(n)) {
      // loadTarget('lab'), checkTarget('ssh', …), .option('-t, --target <t>', '…', 'lab')
      const callee = ts.isPropertyAccessExpression(n.expression) ? `.${n.expression.name.text}` : n.expression.getText(sf);
      const first = n.arguments[0];
      const choosesTarget = /target/i.test(callee) || (/\.option$/.test(callee) && first !== undefined && /--target\b/.test(first.getText(sf)));
      if (choosesTarget)
        for (const a of n.arguments) {
          const id = idOf(a);
          if (id) add(a, id, `chosen in a call (${callee})`);
        }
    } else if ((ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n)) && /target/i.test(n.name.getText(sf))) {
      const id = idOf(n.initializer);
      if (id) add(n, id, `held as ${n.name.getText(sf)}`);
    } else if (ts.isUnionTypeNode(n) && !isKeyPick(n)) {
      for (const t of n.types) {
        const id = literalType(t);
        if (id) add(t, id, 'in a union type');
      }
    } else if (ts.isObjectLiteralExpression(n) || ts.isTypeLiteralNode(n)) {
      const members: readonly ts.Node[] = ts.isObjectLiteralExpression(n) ? n.properties : n.members;
      const keyed = members.flatMap((m) => {
        const id = keyOf(m);
        return id === undefined ? [] : [{ m, id }];
      });
      if (keyed.length >= 2) for (const { m, id } of keyed) add(m, id, 'a key of an object keyed by target');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('the deploy target is one seam (targets/)', () => {
  const ids = new Set(targetNames());

  it('the scanner sees each kind of use, and ignores prose', () => {
    const src = [
      "if (t === 'lab') x();",
      "switch (t) { case 'ssh': break; }",
      "const all = ['lab', 'other'];",
      "type T = 'ssh' | 'model';",
      'const m = { lab: 1, ssh: 2 };',
      "if ('lab' in m) x();",
      "// if (t === 'ssh') in a comment",
      "const help = 'with --target lab: which lab';",
      "const paths = { ssh: join(dir, 'ssh'), other: 1 };",
      "const t = await loadTarget('ssh');",
      "program.option('-t, --target <t>', 'where', 'lab');",
      "export const DEFAULT_TARGET = 'lab';",
      "type P = Pick<Rec, 'lab' | 'root'>;",
      "const dir = join(stateDir, 'lab', id);",
    ].join('\n');
    expect(targetIdUses('x.ts', src, ids).map((f) => `${f.line}:${f.id}:${f.what.split(' (')[0]}`)).toEqual([
      '1:lab:compared',
      '2:ssh:a case label',
      '3:lab:in an array literal',
      '4:ssh:in a union type',
      '5:lab:a key of an object keyed by target',
      '5:ssh:a key of an object keyed by target',
      '6:lab:compared',
      '10:ssh:chosen in a call',
      '11:lab:chosen in a call',
      '12:lab:held as DEFAULT_TARGET',
    ]);
  });

  it('no file outside targets/ names a target id in a conditional or a hard-coded list', () => {
    expect(ids.size).toBeGreaterThanOrEqual(2);
    const files = sourceFiles(REPO);
    expect(files.length).toBeGreaterThan(100); // the walk reached the tree
    const all = files.flatMap((f) => targetIdUses(relative(REPO, f), readFileSync(f, 'utf8'), ids));
    const allowed = (f: Finding) => ALLOWED.some((a) => a.file === f.file && a.id === f.id);
    const offending = all.filter((f) => !allowed(f)).map((f) => `${f.file}:${f.line}: target "${f.id}" ${f.what} — ask targets/registry.ts`);
    expect(offending).toEqual([]);
    const stale = ALLOWED.filter((a) => !all.some((f) => f.file === a.file && f.id === a.id)).map((a) => `${a.file} (${a.id}) no longer needs its exception`);
    expect(stale).toEqual([]);
  });
});
