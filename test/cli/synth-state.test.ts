/**
 * Synth's inputs and outputs around the clouds: named files missing or empty, unknown keys and
 * paths leaving the inventory are bad input (exit 2, nothing written, the previous output kept);
 * the Terraform state follows --state-dir and the output is the same bytes from any working
 * directory; re-synth keeps what `terraform init` left in the stack folders; no connection string
 * reaches the JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

let copy: InventoryCopy;
let work: string;
const STACKS = ['--stack', 'backbone', 'cloud-xian', '--skip-checks'];
beforeAll(async () => {
  copy = await copyInventory();
  work = await mkdtemp(join(tmpdir(), 'stacks-synth-state-'));
});
afterAll(async () => {
  await copy.cleanup();
  await rm(work, { recursive: true, force: true });
});

const tfJson = (out: string, stack: string) => readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8');

describe('synth: Terraform state where the user says', () => {
  it('writes the same bytes from two working directories, with state under --state-dir', async () => {
    const a = join(work, 'a');
    const b = join(work, 'b', 'deeper');
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    for (const cwd of [a, b]) {
      const r = await runCli(['--inventory', copy.dir, '--state-dir', 'state', 'synth', '-o', 'out', ...STACKS], { cwd, timeoutMs: 240_000 });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    for (const stack of ['backbone', 'cloud-xian']) expect(tfJson(join(b, 'out'), stack)).toBe(tfJson(join(a, 'out'), stack));
    const backend = JSON.parse(tfJson(join(a, 'out'), 'cloud-xian')).terraform.backend;
    expect(backend).toEqual({ local: { path: '../../../state/tfstate/cloud-xian.tfstate' } });
    expect(JSON.parse(tfJson(join(a, 'out'), 'backbone')).terraform.backend).toEqual({ local: { path: '../../../state/tfstate/backbone.tfstate' } });
  }, 600_000);

  it('names an absolute state dir as given, keeps terraform init files on re-synth, and writes pg without a connection string', async () => {
    const out = join(work, 'abs-out');
    const state = join(work, 'abs-state');
    const first = await runCli(['--inventory', copy.dir, '--state-dir', state, 'synth', '-o', out, ...STACKS], { timeoutMs: 240_000 });
    expect(first.code).toBe(0);
    expect(JSON.parse(tfJson(out, 'cloud-xian')).terraform.backend).toEqual({ local: { path: join(state, 'tfstate', 'cloud-xian.tfstate') } });
    // what `terraform init` leaves behind
    writeFileSync(join(out, 'stacks', 'cloud-xian', '.terraform.lock.hcl'), '# lock\n');
    mkdirSync(join(out, 'stacks', 'cloud-xian', '.terraform', 'providers'), { recursive: true });
    writeFileSync(join(out, 'stacks', 'cloud-xian', '.terraform', 'terraform.tfstate'), '{}');
    const secret = 'postgres://tf:s3cret@db.example:5432/terraform';
    const pg = await runCli(['--inventory', copy.dir, '--state-dir', state, 'synth', '-o', out, '--tf-backend', 'pg', ...STACKS], {
      env: { PG_CONN_STR: secret },
      timeoutMs: 240_000,
    });
    expect(pg.code).toBe(0);
    expect(readFileSync(join(out, 'stacks', 'cloud-xian', '.terraform.lock.hcl'), 'utf8')).toBe('# lock\n');
    expect(existsSync(join(out, 'stacks', 'cloud-xian', '.terraform', 'terraform.tfstate'))).toBe(true);
    const json = tfJson(out, 'cloud-xian');
    expect(JSON.parse(json).terraform.backend).toEqual({ pg: { schema_name: 'stacks_cloud_xian' } });
    expect(json).not.toContain('db.example');
    // a URL in STACKS_TF_BACKEND is refused without echoing it
    const url = await runCli(['--inventory', copy.dir, 'synth', '-o', out, ...STACKS], { env: { STACKS_TF_BACKEND: secret }, timeoutMs: 240_000 });
    expect(url.code).toBe(2);
    expect(url.stderr).toContain('PG_CONN_STR');
    expect(url.stderr).not.toContain('s3cret');
    expect(tfJson(out, 'cloud-xian')).toBe(json);
  }, 600_000);
});

describe('synth: a missing or empty named file, an unknown key, a path outside the inventory', () => {
  async function refused(edit: (c: InventoryCopy) => Promise<void>, expectText: RegExp): Promise<void> {
    const bad = await copyInventory();
    try {
      await edit(bad);
      const out = join(work, 'kept');
      const r = await runCli(['--inventory', bad.dir, 'synth', '-o', out, ...STACKS], { timeoutMs: 240_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(expectText);
      expect(existsSync(out)).toBe(false);
    } finally {
      await bad.cleanup();
    }
  }

  it('refuses a missing clouds.yaml, naming it', async () => {
    await refused((c) => rm(join(c.dir, 'clouds.yaml')), /E_FILE_MISSING: .*province\.yaml: files\.clouds: names .*clouds\.yaml, which does not exist/);
  });

  it('refuses an empty clouds.yaml and one holding only comments', async () => {
    await refused((c) => writeFile(join(c.dir, 'clouds.yaml'), ''), /E_EMPTY_FILE: .*clouds\.yaml/);
    await refused((c) => writeFile(join(c.dir, 'clouds.yaml'), '# nothing yet\n'), /E_EMPTY_FILE: .*clouds\.yaml/);
  });

  it('refuses an unknown key with its path (a typo drops no data silently)', async () => {
    await refused(
      (c) =>
        c.edit('departments.yaml', (d) => {
          d.departments[3].legasy = d.departments[3].legacy;
          delete d.departments[3].legacy;
        }),
      /departments\.yaml: departments\[3\]: .*legasy/,
    );
  });

  it('refuses a files.* path that leaves the inventory folder', async () => {
    await refused((c) => c.edit('province.yaml', (d) => (d.files.clouds = '../../etc/clouds.yaml')), /E_FILE_OUTSIDE: .*province\.yaml: files\.clouds/);
  });

  it('keeps a previous output when the input is bad', async () => {
    const out = join(work, 'kept2');
    const good = await runCli(['--inventory', copy.dir, 'synth', '-o', out, ...STACKS], { timeoutMs: 240_000 });
    expect(good.code).toBe(0);
    const before = tfJson(out, 'cloud-xian');
    const bad = await copyInventory();
    try {
      await writeFile(join(bad.dir, 'clouds.yaml'), '');
      const r = await runCli(['--inventory', bad.dir, 'synth', '-o', out, ...STACKS], { timeoutMs: 240_000 });
      expect(r.code).toBe(2);
      expect(tfJson(out, 'cloud-xian')).toBe(before);
    } finally {
      await bad.cleanup();
    }
  }, 600_000);
});
