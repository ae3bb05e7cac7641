/**
 * systems.yaml and routers.yaml are strict at the top level, like every other inventory file: a
 * misspelt key stops synth with exit 2 naming the file, the path and the key, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { smallInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stacks-strict-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const ROW =
  '{ id: gov-office-1, department: gov-office, level: province, classification: internal, location: { kind: department-room, site: dept.gov-office }, data_gib: 10, protection_class: p5 }';

async function synthOf(edit: (c: InventoryCopy) => Promise<void>) {
  const inv = await smallInventory();
  try {
    await edit(inv);
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    const r = await runCli(['--inventory', inv.dir, 'synth', '-o', out, '--stack', 'backbone', 'cloud-xian', '--skip-checks'], { timeoutMs: 240_000 });
    return { ...r, written: existsSync(out), dir: inv.dir };
  } finally {
    await inv.cleanup();
  }
}

describe('synth: an unknown top-level key in systems.yaml or routers.yaml', () => {
  it('a well-formed systems.yaml synthesizes (the row below is valid)', async () => {
    const r = await synthOf((c) => writeFile(join(c.dir, 'systems.yaml'), `version: 1\nsystems:\n  - ${ROW}\n`));
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('refuses `rule:` in systems.yaml, naming file, path and key; nothing written', async () => {
    const r = await synthOf((c) => writeFile(join(c.dir, 'systems.yaml'), `version: 1\nrule: { depends_on_retained: error }\nsystems:\n  - ${ROW}\n`));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/systems\.yaml: \(root\): .*"rule"/);
    expect(r.written).toBe(false);
  }, 300_000);

  it('refuses `router:` in routers.yaml, naming file, path and key; nothing written', async () => {
    const r = await synthOf(async (c) => {
      await writeFile(join(c.dir, 'routers.yaml'), 'routers: []\nrouter: []\n');
      await c.edit('province.yaml', (d) => (d.files.routers = 'routers.yaml'));
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/routers\.yaml: \(root\): .*"router"/);
    expect(r.written).toBe(false);
  }, 300_000);
});
