/**
 * The fault-duration histogram's buckets are the inventory's (province.yaml
 * `monitoring.faults.duration_buckets_s`): a changed list changes the buckets the daemon exports;
 * a list that does not increase is bad input naming the file and the path.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../inventory/load.js';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { StacksError } from '../../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../support/inventory.js';
import { capturedLogger } from '../support/monitor-harness.js';

let copy: InventoryCopy | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The `le` bounds a daemon built from the inventory exports for one closed fault. */
async function exportedBounds(dir: string): Promise<string[]> {
  const inv = await loadInventory(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'stacks-buckets-'));
  dirs.push(tmp);
  const store = new SqliteFaultStore(join(tmp, 'faults.sqlite'));
  try {
    const daemon = new MonitorDaemon({
      targets: [],
      platforms: [],
      store,
      logger: capturedLogger().logger,
      intervalMs: 60_000,
      processMetrics: false,
      ...(await daemonPolicy(inv)),
    });
    daemon.metrics.faultDuration.observe({ kind: 'link-down' }, 42);
    const text = (await daemon.metrics.exposition.metrics()).toString('utf8');
    return [...text.matchAll(/^stacks_fault_duration_seconds_bucket\{le="([^"]+)",kind="link-down"\} \d+$/gm)].map((m) => m[1]!);
  } finally {
    await store.close();
  }
}

describe('fault-duration buckets from the inventory', () => {
  it('the default province exports its documented buckets; a changed list changes them', async () => {
    copy = await copyInventory();
    expect(await exportedBounds(copy.dir)).toEqual(['60', '300', '900', '1800', '3600', '7200', '10800', '21600', '86400', '+Inf']);
    await copy.edit('province.yaml', (d) => (d.monitoring.faults.duration_buckets_s = [30, 600, 7200, 10800]));
    expect(await exportedBounds(copy.dir)).toEqual(['30', '600', '7200', '10800', '+Inf']);
  });

  it('a list that does not increase is an error naming province.yaml and the path', async () => {
    copy = await copyInventory();
    await copy.edit('province.yaml', (d) => (d.monitoring.faults.duration_buckets_s = [600, 30]));
    const err = await loadInventory(copy.dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StacksError);
    expect((err as StacksError).exitCode).toBe(2);
    expect((err as StacksError).describe()).toMatch(/province\.yaml: monitoring\.faults\.duration_buckets_s: bounds must increase/);
  });
});
