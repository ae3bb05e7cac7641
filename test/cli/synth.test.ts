import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';
import { runCli } from '../support/cli.js';

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

let copy: InventoryCopy;
let work: string;
beforeAll(async () => {
  copy = await copyInventory();
  // Start from an empty ledger so the first synth allocates every site, as on a new province.
  await copy.edit('ipam-ledger.json', (d) => {
    d.allocations = {};
    delete d.ports;
  });
  work = await mkdtemp(join(tmpdir(), 'stacks-synth-'));
});
afterAll(async () => {
  await copy.cleanup();
  await rm(work, { recursive: true, force: true });
});

describe('stacks synth', () => {
  it('writes every device config in both dialects, the address and merge plans, deterministically', async () => {
    const out = join(work, 'out');
    const first = await runCli(['--inventory', copy.dir, '--json', 'synth', '--output', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(result.allocated.length).toBeGreaterThan(1887);
    const frr = readdirSync(join(out, 'stacks', 'backbone', 'configs', 'frr'));
    const vrp = readdirSync(join(out, 'stacks', 'backbone', 'configs', 'vrp'));
    expect(frr.filter((f) => /-t\d+-r1\.conf$/.test(f))).toHaveLength(1768);
    expect(vrp.filter((f) => /-t\d+-r1\.cfg$/.test(f))).toHaveLength(1768);
    expect(existsSync(join(out, 'stacks', 'backbone', 'address-plan.json'))).toBe(true);
    expect(existsSync(join(out, 'stacks', 'backbone', 'cdk.tf.json'))).toBe(true);
    // The ledger now records every site, so a second run allocates nothing and writes the same bytes.
    const ledger = readFileSync(join(copy.dir, 'ipam-ledger.json'), 'utf8');
    expect(ledger).toContain('"xian.yanta.t01"');
    const hash = treeHash(out);
    const second = await runCli(['--inventory', copy.dir, '--json', 'synth', '--output', out]);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).allocated).toEqual([]);
    expect(treeHash(out)).toBe(hash);
    expect(readFileSync(join(copy.dir, 'ipam-ledger.json'), 'utf8')).toBe(ledger);
  });

  it('on bad input names the file and path, exits 2 and writes nothing', async () => {
    const broken = await copyInventory(copy.dir);
    try {
      await broken.edit('datacenters.yaml', (d) => (d.datacenters[0].parent = 'nowhere'));
      const out = join(work, 'untouched');
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'previous synth');
      writeFileSync(join(out, 'stacks-manifest.json'), '{"tool":"stacks"}');
      const ledgerBefore = readFileSync(join(broken.dir, 'ipam-ledger.json'), 'utf8');
      const r = await runCli(['--inventory', broken.dir, 'synth', '--output', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/datacenters\.yaml: datacenters\[0\]\.parent: unknown parent "nowhere"/);
      expect(readdirSync(out).sort()).toEqual(['keep.txt', 'stacks-manifest.json']);
      expect(readFileSync(join(broken.dir, 'ipam-ledger.json'), 'utf8')).toBe(ledgerBefore);
    } finally {
      await broken.cleanup();
    }
  });

  it('--stack writes only the named stacks; an unknown one is bad usage', async () => {
    const out = join(work, 'only-backbone');
    const r = await runCli(['--inventory', copy.dir, '--json', 'synth', '--stack', 'backbone', '--output', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(out, 'stacks'))).toEqual(['backbone']);
    const bad = await runCli(['--inventory', copy.dir, 'synth', '--stack', 'no-such-stack', '--output', join(work, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--stack: unknown stack no-such-stack/);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('refuses a design that fails verification: exit 1, the previous output untouched, no staging left; --force writes it', async () => {
    const broken = await copyInventory(copy.dir);
    const dir = await mkdtemp(join(tmpdir(), 'stacks-synth-refused-'));
    try {
      await broken.edit('province.yaml', (doc) => (doc.tiers.find((t: { id: string }) => t.id === 'county-township').links = 1));
      const out = join(dir, 'out');
      mkdirSync(out);
      writeFileSync(join(out, 'keep.txt'), 'previous synth');
      writeFileSync(join(out, 'stacks-manifest.json'), '{"tool":"stacks"}');
      const r = await runCli(['--inventory', broken.dir, '--json', 'synth', '--output', out]);
      expect(r.code, r.stderr).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.written).toBe(false);
      expect(doc.checks.failed_checks).toContain('failure.single-link');
      // the writer and Terraform threads had started: their staging is gone with the refusal
      expect(readdirSync(dir).filter((e) => !e.endsWith('.lock'))).toEqual(['out']);
      expect(readdirSync(out).sort()).toEqual(['keep.txt', 'stacks-manifest.json']);
      const forced = await runCli(['--inventory', broken.dir, '--json', 'synth', '--force', '--stack', 'backbone', '--output', out]);
      expect(forced.code).toBe(1);
      expect(JSON.parse(forced.stdout).written).toBe(true);
      expect(existsSync(join(out, 'stacks', 'backbone', 'reports', 'verification.json'))).toBe(true);
    } finally {
      await broken.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('plan shows the change since the accepted baseline', async () => {
    const state = join(work, 'state');
    const accept = await runCli(['--inventory', copy.dir, '--state-dir', state, 'plan', '--accept']);
    expect(accept.code).toBe(0);
    const same = await runCli(['--inventory', copy.dir, '--state-dir', state, '--json', 'plan']);
    expect(JSON.parse(same.stdout).summary.unchanged).toBe(true);
    await copy.edit('divisions.json', (d) => (d.cities[0].counties[0].townships += 1));
    const grown = await runCli(['--inventory', copy.dir, '--state-dir', state, '--json', 'plan']);
    const change = JSON.parse(grown.stdout);
    expect(change.devices.added).toEqual(['xian.xincheng.t10-r1']);
    expect(change.links.added).toEqual(['xian.xincheng.t10~up0', 'xian.xincheng.t10~up1']);
    expect(change.devices.changed).toEqual([]);
    expect(change.addresses.changed).toEqual([]);
    // Only the new township and the two county routers it lands on change config.
    expect(change.configs.map((c: { device: string }) => c.device)).toEqual(['xian.xincheng-r1', 'xian.xincheng-r2', 'xian.xincheng.t10-r1']);
  });
});
