/** Cloud platform probes (HTTP and TCP) against real loopback servers: down → fault, up → closed. */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { loadInventory } from '../../inventory/load.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { probe } from '../../monitors/probes.js';
import { capturedLogger, waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const dir = mkdtempSync(join(tmpdir(), 'stacks-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const listen = (port: number, status = 200) =>
  new Promise<Server>((res) => {
    const s = createServer((_q, r) => {
      r.statusCode = status;
      r.end('ok');
    });
    s.listen(port, '127.0.0.1', () => res(s));
  });

describe('platform probes', () => {
  it('http and tcp probes tell up from down', async () => {
    const port = await freePort();
    expect((await probe({ id: 'p', kind: 'http', url: `http://127.0.0.1:${port}/healthz`, timeoutMs: 500 })).up).toBe(false);
    const s = await listen(port);
    expect((await probe({ id: 'p', kind: 'http', url: `http://127.0.0.1:${port}/healthz` })).up).toBe(true);
    expect((await probe({ id: 'p', kind: 'tcp', url: `127.0.0.1:${port}` })).up).toBe(true);
    await new Promise((r) => s.close(r));
    const err = await listen(port, 503);
    expect((await probe({ id: 'p', kind: 'http', url: `http://127.0.0.1:${port}/healthz` })).up).toBe(false);
    await new Promise((r) => err.close(r));
  });

  it('a platform going down opens a platform-down fault that closes on recovery', async () => {
    const port = await freePort();
    let server = await listen(port);
    const store = new SqliteFaultStore(join(dir, 'p.sqlite'));
    const daemon = new MonitorDaemon({
      targets: [],
      platforms: [{ id: 'provincial', kind: 'http', url: `http://127.0.0.1:${port}/healthz`, timeoutMs: 300 }],
      store,
      logger: capturedLogger().logger,
      intervalMs: 60_000,
      probeIntervalMs: 200,
      ...counting,

      debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 0 },
      uptimeRefreshMs: 200,
      processMetrics: false,
    });
    await daemon.start();
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(await store.activeFaults()).toEqual([]);
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      const f = await waitUntil(async () => (await store.activeFaults()).find((x) => x.object === 'platform:provincial'), 5000, 'platform fault');
      expect(f.kind).toBe('platform-down');
      server = await listen(port);
      await waitUntil(async () => (await store.listFaults()).find((x) => x.id === f.id && x.closedAt !== null), 5000, 'platform fault closed');
      const uptime = await waitUntil(
        async () => {
          const v = daemon.metrics.uptime.rows.find((x) => x.labels.object === 'provincial' && x.labels.window === '365d')?.value;
          return v !== undefined && v < 1 ? v : undefined;
        },
        5000,
        'platform uptime below 1',
      );
      expect(uptime).toBeGreaterThan(0);
    } finally {
      await daemon.stop();
      await store.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
