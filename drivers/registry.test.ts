import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverFor } from './registry.js';
import type { DeviceShell } from './types.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { loadTarget } from '../targets/registry.js';

const shell: DeviceShell = { device: 'xian-r1', exec: () => Promise.reject(new Error('not used')) };

describe('config drivers by platform', () => {
  it('the frr platform has a driver; an unknown one is bad input naming the entry, the path and the platforms there are', () => {
    expect(driverFor('frr', shell).platform).toBe('frr');
    let err: unknown;
    try {
      driverFor('junos', shell, 'inventory/routers.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'E_PLATFORM', kind: 'input', file: 'inventory/routers.yaml', path: 'platform' });
    expect((err as Error).message).toMatch(/xian-r1: no config driver for platform "junos"/);
    expect((err as { hint?: string }).hint).toMatch(/frr/);
  });

  it('the ssh target refuses a router whose inventory platform nothing renders, before it connects to anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stx-platform-'));
    try {
      const inventoryDir = join(root, 'inventory');
      cpSync(DEFAULT_INVENTORY_DIR, inventoryDir, { recursive: true });
      const province = join(inventoryDir, 'province.yaml');
      writeFileSync(province, readFileSync(province, 'utf8').replace(/^files:\n/m, 'files:\n  routers: routers.yaml\n'));
      writeFileSync(
        join(inventoryDir, 'routers.yaml'),
        'routers:\n  - { device: xian.xincheng.t01-r1, address: 192.0.2.1, platform: frr }\n  - { device: xian.xincheng.t02-r1, address: 192.0.2.2, platform: vrp8 }\n',
      );
      const ssh = await loadTarget('ssh');
      const err = await ssh.plan({ stateDir: join(root, 'state'), inventoryDir, instance: 'd-platform' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'E_PLATFORM', kind: 'input', file: join(inventoryDir, 'routers.yaml'), path: 'routers[1].platform' });
      expect((err as Error).message).toMatch(/xian\.xincheng\.t02-r1: no renderer for platform "vrp8"/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
