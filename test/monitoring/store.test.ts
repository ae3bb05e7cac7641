/**
 * Both fault stores against the same behaviour: idempotent open/close, one open fault per object and
 * kind, acknowledgement, windows, and a 1,000-fault storm in one transaction. PostgreSQL is a real
 * throwaway cluster (scripts/pg-test-cluster.sh), SQLite a real file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { PostgresFaultStore } from '../../monitors/store/postgres.js';
import type { FaultStore } from '../../monitors/store/store.js';
import type { FaultEvent } from '../../monitors/faults/tracker.js';
import { startPgCluster, type PgCluster } from '../support/pg-cluster.js';

let pgCluster: PgCluster | undefined;
const dir = mkdtempSync(join(tmpdir(), 'stacks-store-'));

beforeAll(async () => {
  pgCluster = await startPgCluster();
});
afterAll(() => {
  pgCluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends: Array<[string, () => Promise<FaultStore>]> = [
  ['sqlite', async () => new SqliteFaultStore(join(dir, `f-${Math.random()}.sqlite`))],
  [
    'postgres',
    async () => {
      const s = await PostgresFaultStore.connect(pgCluster!.url);
      // each test starts from an empty schema
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: pgCluster!.url });
      await c.connect();
      await c.query('TRUNCATE faults, monitored_objects RESTART IDENTITY');
      await c.end();
      return s;
    },
  ],
];

describe.each(backends)('%s fault store', (_name, make) => {
  it('opens once, closes once, with duration', async () => {
    const s = await make();
    const open: FaultEvent = { type: 'open', object: 'link:a--b', kind: 'link-down', at: 1000 };
    const [first] = await s.apply([open]);
    expect(first!.changed).toBe(true);
    const [again] = await s.apply([{ ...open, at: 2000 }]);
    expect(again!.changed).toBe(false);
    expect(again!.fault!.id).toBe(first!.fault!.id);
    expect(again!.fault!.openedAt).toBe(1000);
    expect(await s.openFaults()).toHaveLength(1);
    const [closed] = await s.apply([{ type: 'close', object: 'link:a--b', kind: 'link-down', at: 5000 }]);
    expect(closed!.fault!.durationMs).toBe(4000);
    const [closedAgain] = await s.apply([{ type: 'close', object: 'link:a--b', kind: 'link-down', at: 9000 }]);
    expect(closedAgain!.changed).toBe(false);
    // a new outage of the same object is a new fault
    const [second] = await s.apply([{ ...open, at: 10_000 }]);
    expect(second!.changed).toBe(true);
    expect(second!.fault!.id).not.toBe(first!.fault!.id);
    const all = await s.listFaults();
    expect(all.map((f) => [f.openedAt, f.closedAt])).toEqual([
      [10_000, null],
      [1000, 5000],
    ]);
    await s.close();
  });

  it('acknowledges without overwriting the first acknowledgement', async () => {
    const s = await make();
    const [r] = await s.apply([{ type: 'open', object: 'device:r1', kind: 'device-unreachable', at: 1 }]);
    const id = r!.fault!.id;
    expect((await s.acknowledge(id, 50, 'noc-alice'))!.acknowledgedBy).toBe('noc-alice');
    const again = await s.acknowledge(id, 60, 'noc-bob');
    expect([again!.acknowledgedAt, again!.acknowledgedBy]).toEqual([50, 'noc-alice']);
    expect((await s.closeById(id, 70))!.closedAt).toBe(70);
    expect((await s.closeById(id, 90))!.closedAt).toBe(70);
    await s.close();
  });

  it('finds faults overlapping a window and keeps first-seen times', async () => {
    const s = await make();
    await s.apply([
      { type: 'open', object: 'platform:p', kind: 'platform-down', at: 100 },
      { type: 'close', object: 'platform:p', kind: 'platform-down', at: 200 },
      { type: 'open', object: 'platform:q', kind: 'platform-down', at: 500 },
    ]);
    expect((await s.faultsBetween(150, 160)).map((f) => f.object)).toEqual(['platform:p']);
    expect((await s.faultsBetween(300, 1000)).map((f) => f.object)).toEqual(['platform:q']);
    await s.registerObjects([{ object: 'platform:p', type: 'platform' }], 10);
    await s.registerObjects([{ object: 'platform:p', type: 'platform' }, { object: 'platform:q', type: 'platform' }], 20);
    expect(await s.objects()).toEqual([
      { object: 'platform:p', type: 'platform', firstSeen: 10 },
      { object: 'platform:q', type: 'platform', firstSeen: 20 },
    ]);
    await s.close();
  });

  it('records a storm of 1,000 faults in one batch, none lost, none doubled', async () => {
    const s = await make();
    const opens: FaultEvent[] = Array.from({ length: 1000 }, (_, i) => ({ type: 'open', object: `link:l${i}`, kind: 'link-down', at: 1000 + i }));
    const applied = await s.apply([...opens, ...opens.slice(0, 100)]);
    expect(applied.filter((a) => a.changed)).toHaveLength(1000);
    expect(await s.openFaults()).toHaveLength(1000);
    await s.close();
  });
});
