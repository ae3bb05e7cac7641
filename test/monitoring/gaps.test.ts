/**
 * Gaps are unknown, not up; flaps are one fault. A real daemon (in process) probes a real loopback
 * platform endpoint into a real SQLite store; it is stopped for a (scaled) minute and restarted:
 * the store holds two watch spans with the gap between them, uptime is computed over the watched
 * time only, and indicator 9 shows its coverage and claims nothing. Then 50 flaps in 5 minutes of
 * (simulated) time go through the tracker into the store: one flapping fault, indicator 13 unchanged.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { loadInventory } from '../../inventory/load.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { FaultTracker } from '../../monitors/faults/tracker.js';
import { availability } from '../../monitors/uptime.js';
import { storeView } from '../../monitors/kpi-report.js';
import platformUptime from '../../monitors/indicators/i09-platform-uptime.js';
import fixedInTime from '../../monitors/indicators/i13-fixed-in-time.js';
import { monitoringPolicy } from '../../monitors/policy.js';
import { capturedLogger, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const dir = mkdtempSync(join(tmpdir(), 'stacks-gaps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const listen = (port: number) =>
  new Promise<Server>((res) => {
    const s = createServer((_q, r) => r.end('ok'));
    s.listen(port, '127.0.0.1', () => res(s));
  });

describe('gaps', () => {
  it('a daemon stopped for a while leaves a recorded gap that uptime does not count as up', async () => {
    const port = await freePort();
    const server = await listen(port);
    const file = join(dir, 'gap.sqlite');
    const daemonOn = async (store: SqliteFaultStore) => {
      const d = new MonitorDaemon({
        targets: [],
        platforms: [{ id: 'provincial', kind: 'http', url: `http://127.0.0.1:${port}/healthz`, timeoutMs: 5000 }], // a loopback answer; 300 ms timed out at load 15 and opened a fault
        store,
        logger: capturedLogger().logger,
        intervalMs: 60_000,
        probeIntervalMs: 100,
        heartbeatMs: 100,
        uptimeRefreshMs: 100,
        ...counting,

        debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 0 },
        processMetrics: false,
      });
      await d.start();
      return d;
    };
    try {
      let store = new SqliteFaultStore(file);
      let daemon = await daemonOn(store);
      await sleep(1500);
      await daemon.stop();
      await store.close();
      const stoppedAt = Date.now();
      // the minute, scaled: 3 s with nobody watching
      await sleep(3000);
      store = new SqliteFaultStore(file);
      daemon = await daemonOn(store);
      await sleep(1500);
      const now = Date.now();
      const spans = await store.watchSpans(0, now);
      expect(spans).toHaveLength(2);
      const gap = spans[1]!.from - spans[0]!.to;
      expect(gap).toBeGreaterThanOrEqual(2900);
      expect(spans[0]!.to).toBeLessThanOrEqual(stoppedAt);
      const [a] = availability(await store.objects(), [], spans, '30d', now);
      expect(a!.unknownSeconds).toBeGreaterThanOrEqual(2.9);
      expect(a!.observedSeconds).toBeLessThan((now - spans[0]!.from) / 1000 - 2.9);
      expect(a!.ratio).toBe(1);
      // the daemon's own gauge says how much of the window it watched
      const coverage = await waitUntil(
        async () => {
          const m = daemon.metrics.uptimeCoverage.text.split('\n').find((l) => l.includes('object="provincial"') && l.includes('window="30d"'));
          return m ? Number(m.split(' ').pop()) : undefined;
        },
        3000,
        'coverage gauge',
      );
      expect(coverage).toBeGreaterThan(0);
      expect(coverage).toBeLessThan(0.001);
      // indicator 9 reports the coverage and does not claim the target over a window it did not watch
      const c = platformUptime.compute({ store: await storeView(store, now), policy: monitoringPolicy() });
      expect(c).toMatchObject({ status: 'ok', value: 1, claim: false });
      await daemon.stop();
      await store.close();
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 30_000);
});

describe('flaps', () => {
  it('50 flaps in 5 minutes are one flapping fault in the store, and indicator 13 does not move', async () => {
    const store = new SqliteFaultStore(join(dir, 'flap.sqlite'));
    const policy = monitoringPolicy();
    const t0 = Date.now() - 3_600_000;
    // history: one real outage, fixed in 20 minutes
    const tracker = new FaultTracker(policy.debounce);
    await store.apply(tracker.observe('link:a--b', 'link-down', 'a:eth1', true, t0));
    await store.apply(tracker.tick(t0 + 60_000));
    await store.apply(tracker.observe('link:a--b', 'link-down', 'a:eth1', false, t0 + 20 * 60_000));
    await store.apply(tracker.tick(t0 + 21 * 60_000));
    const now = t0 + 40 * 60_000;
    const before = fixedInTime.compute({ store: await storeView(store, now), fixWindowMs: 3 * 3_600_000, policy });
    expect(before).toMatchObject({ status: 'ok', value: 1, numerator: 1, denominator: 1 });
    // 50 down/up cycles of 6 s on another link: no single down outlasts the 10 s debounce
    const start = t0 + 22 * 60_000;
    for (let i = 0; i < 50; i++) {
      await store.apply(tracker.observe('link:c--d', 'link-down', 'c:eth2', true, start + i * 6000));
      await store.apply(tracker.observe('link:c--d', 'link-down', 'c:eth2', false, start + i * 6000 + 3000));
      await store.apply(tracker.tick(start + i * 6000 + 5000));
    }
    await store.apply(tracker.tick(now));
    const flapFaults = (await store.listFaults()).filter((f) => f.object === 'link:c--d');
    expect(flapFaults).toHaveLength(1);
    expect(flapFaults[0]).toMatchObject({ flapping: true, resolvedAt: null });
    const after = fixedInTime.compute({ store: await storeView(store, now), fixWindowMs: 3 * 3_600_000, policy });
    expect(after).toMatchObject({ status: 'ok', value: before.status === 'ok' ? before.value : NaN, numerator: 1, denominator: 1 });
    await store.close();
  });
});
