import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventory } from './load.js';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';

let copy: InventoryCopy | undefined;
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

async function put(dir: string, rel: string, text = '// rule\n'): Promise<void> {
  await mkdir(join(dir, rel, '..'), { recursive: true });
  await writeFile(join(dir, rel), text);
}

async function problems(dir: string): Promise<string[]> {
  const err = await loadInventory(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StacksError);
  expect((err as StacksError).exitCode).toBe(2);
  return (err instanceof StacksErrors ? err.errors : [err as StacksError]).map((e) => `${e.code}: ${e.file}: ${e.path}: ${e.message}`);
}

describe('province.yaml policy: the waivers file and the user rule files', () => {
  it('absent: the convention (waivers.yaml when present, policies/*.js and *.mjs)', async () => {
    copy = await copyInventory();
    expect((await loadInventory(copy.dir)).policyFiles).toEqual({ rules: [] });
    await put(copy.dir, 'waivers.yaml', 'waivers: []\n');
    await put(copy.dir, 'policies/b.mjs');
    await put(copy.dir, 'policies/a.js');
    await put(copy.dir, 'policies/notes.txt');
    expect((await loadInventory(copy.dir)).policyFiles).toEqual({
      waivers: join(copy.dir, 'waivers.yaml'),
      rules: [join(copy.dir, 'policies/a.js'), join(copy.dir, 'policies/b.mjs')],
    });
  });

  it('named: the files and patterns province.yaml gives, in its order, and not the convention', async () => {
    copy = await copyInventory();
    await put(copy.dir, 'waivers.yaml', 'waivers: []\n');
    await put(copy.dir, 'policies/ignored.js');
    await put(copy.dir, 'policy/waived.yaml', 'waivers: []\n');
    await put(copy.dir, 'rules/org-2.js');
    await put(copy.dir, 'rules/org-1.js');
    await put(copy.dir, 'rules/org-1.mjs');
    await put(copy.dir, 'extra/one.mjs');
    await copy.edit('province.yaml', (d) => (d.policy = { waivers: 'policy/waived.yaml', rules: ['extra/one.mjs', 'rules/*.js'] }));
    expect((await loadInventory(copy.dir)).policyFiles).toEqual({
      waivers: join(copy.dir, 'policy/waived.yaml'),
      rules: [join(copy.dir, 'extra/one.mjs'), join(copy.dir, 'rules/org-1.js'), join(copy.dir, 'rules/org-2.js')],
    });
    // Named as empty: no user rules at all, even with a policies/ folder.
    await copy.edit('province.yaml', (d) => (d.policy = { rules: [] }));
    expect((await loadInventory(copy.dir)).policyFiles).toEqual({ waivers: join(copy.dir, 'waivers.yaml'), rules: [] });
  });

  it('a named file that is missing, a pattern matching nothing or a path outside the folder names province.yaml and the path', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (d) => (d.policy = { waivers: 'waiver.yaml', rules: ['rules/*.js', 'extra/one.mjs', '../elsewhere/x.js'] }));
    const province = join(copy.dir, 'province.yaml');
    expect(await problems(copy.dir)).toEqual([
      `E_FILE_MISSING: ${province}: policy.waivers: names ${join(copy.dir, 'waiver.yaml')}, which does not exist`,
      `E_FILE_MISSING: ${province}: policy.rules[0]: "rules/*.js" matches no file`,
      `E_FILE_MISSING: ${province}: policy.rules[1]: names ${join(copy.dir, 'extra/one.mjs')}, which does not exist`,
      `E_FILE_OUTSIDE: ${province}: policy.rules[2]: "../elsewhere/x.js" leaves the inventory folder`,
    ]);
  });

  it('a pattern with a * outside the file name, or an unknown key, is a schema error with its path', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (d) => (d.policy = { rules: ['*/x.js'], waiver: 'w.yaml' }));
    const text = (await problems(copy.dir)).join('\n');
    expect(text).toMatch(/province\.yaml: policy\.rules\[0\]: a path, or a `\*` in its file name only/);
    expect(text).toMatch(/province\.yaml: policy: .*"waiver"/);
  });
});
