/**
 * The cloud verbs as a user runs them (built CLI): `stacks clouds`, bad cloud/system input to
 * `stacks synth` (exit 2, file and path named, nothing written), and `stacks plan --target
 * openstack` with the real terraform binary (offline here: it must say so and exit 3) and without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stacks-clouds-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('stacks clouds', () => {
  it('lists every cloud with capacity, quota use and placement (--json)', async () => {
    const r = await runCli(['--json', 'clouds']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.clouds).toHaveLength(23);
    expect(out.clouds[0]).toMatchObject({ id: 'provincial', kind: 'provincial', site: 'dc.xinchuang', managed: true, capacity: { vcpu: 32000 } });
    expect(out.systems.placed).toBeGreaterThan(1000);
    expect(out.indicators.map((i: { id: number }) => i.id)).toEqual([7, 8]);
    expect(out.dr.layout).toEqual({ production: 'xinchuang', sameCity: 'info-centre', remote: 'yulin-dc', remoteAlternative: 'yanan-dc' });
  });
});

describe('bad cloud and system input to synth: exit 2, file and path named, nothing written', () => {
  let inv: InventoryCopy;
  beforeAll(async () => {
    inv = await copyInventory();
  });
  afterAll(async () => inv.cleanup());

  const synth = async (dir: string) => {
    const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
    const r = await runCli(['--inventory', dir, 'synth', '-o', out], { timeoutMs: 300_000 });
    return { ...r, written: existsSync(out) };
  };

  it('an unknown centre', async () => {
    await inv.edit('clouds.yaml', (d) => (d.clouds[0].centre = 'atlantis'));
    const r = await synth(inv.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${inv.dir}/clouds.yaml: clouds[0].centre: unknown centre "atlantis"`);
    expect(r.written).toBe(false);
    await inv.edit('clouds.yaml', (d) => (d.clouds[0].centre = 'xinchuang'));
  });

  it('quotas over capacity', async () => {
    await inv.edit('clouds.yaml', (d) => (d.clouds[1].tenants.quota.ram_gib = 100000));
    const r = await synth(inv.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clouds\.yaml: clouds\[1\]\.tenants\.quota\.ram_gib: tenant quotas of cloud "xian" add up to/);
    expect(r.written).toBe(false);
    await inv.edit('clouds.yaml', (d) => (d.clouds[1].tenants.quota.ram_gib = 1600));
  });

  it('a class with no replica target', async () => {
    await inv.edit('clouds.yaml', (d) => (d.clouds = d.clouds.filter((c: { id: string }) => c.id !== 'dr-yulin')));
    const r = await synth(inv.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clouds\.yaml: dr\.classes\[\d\]\.replicas\[\d\]\.role: no DR pool .* has no replica target/);
    expect(r.written).toBe(false);
  });

  it('a placement that cannot be satisfied', async () => {
    const fresh = await copyInventory();
    try {
      const row = (id: string, over: Record<string, unknown>) => ({
        id,
        department: 'health',
        level: 'city',
        city: 'hanzhong',
        classification: 'internal',
        location: { kind: 'department-room', site: 'hanzhong' },
        depends_on: [],
        data_gib: 100,
        vcpu: 4,
        ram_gib: 16,
        protection_class: 'p4',
        ...over,
      });
      await writeFile(
        join(fresh.dir, 'systems.yaml'),
        JSON.stringify({ version: 1, systems: [row('ok-1', {}), row('too-big', { vcpu: 5000, ram_gib: 5000 })] }),
      );
      const r = await synth(fresh.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/systems\.yaml: systems\[1\] \(too-big\): cannot be placed: tenant hanzhong-health quota exhausted/);
      expect(r.written).toBe(false);
    } finally {
      await fresh.cleanup();
    }
  });
});

describe('stacks plan --target openstack', () => {
  // Checks what this machine has: with tofu or terraform on PATH, init cannot fetch the provider
  // (no registry here); on a fresh box without either, the command says that instead. Both exit 3.
  it('says plainly when terraform cannot download the provider (offline), or that none is installed, and exits 3', async () => {
    const installed = ['tofu', 'terraform'].find((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);
    const r = await runCli(['--state-dir', join(work, 'state'), 'plan', '--target', 'openstack'], { timeoutMs: 300_000 });
    expect(r.code).toBe(3);
    if (installed) expect(r.stdout).toMatch(/FAILED at init: \w+ init could not download the OpenStack provider/);
    else expect(r.stdout).toMatch(/neither `tofu` nor `terraform` is installed/);
  });

  it('says plainly when no terraform or tofu is installed and exits 3', async () => {
    const r = await runCli(['--state-dir', join(work, 'state2'), 'plan', '--target', 'openstack'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/neither `tofu` nor `terraform` is installed/);
  });
});
