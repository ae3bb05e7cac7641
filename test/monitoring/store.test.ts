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
import type { LifecycleAction } from '../../monitors/faults/lifecycle.js';
import { monitoringPolicy } from '../../monitors/policy.js';

const CAUSES = monitoringPolicy().causes;
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
      await c.query('TRUNCATE faults, monitored_objects, fault_journal, watch_spans RESTART IDENTITY');
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
    expect(await s.activeFaults()).toHaveLength(1);
    const [closed] = await s.apply([{ type: 'clear', object: 'link:a--b', kind: 'link-down', at: 5000, autoResolve: true }]);
    expect(closed!.fault!.durationMs).toBe(4000);
    expect([closed!.fault!.state, closed!.fault!.resolvedAt, closed!.fault!.closedBy]).toEqual(['closed', 5000, 'stacks-daemon']);
    const [closedAgain] = await s.apply([{ type: 'clear', object: 'link:a--b', kind: 'link-down', at: 9000, autoResolve: true }]);
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

  it('walks a fault through its lifecycle, each step journalled with its operator', async () => {
    const s = await make();
    const [r] = await s.apply([{ type: 'open', object: 'device:r1', kind: 'device-unreachable', at: 1 }]);
    const id = r!.fault!.id;
    const act = (a: LifecycleAction) => s.act(a, CAUSES);
    expect(await act({ action: 'ack', id, at: 50, by: 'noc-alice' })).toMatchObject({
      ok: true,
      changed: true,
      fault: { state: 'acknowledged', acknowledgedBy: 'noc-alice' },
    });
    // the first acknowledgement is kept
    expect(await act({ action: 'ack', id, at: 60, by: 'noc-bob' })).toMatchObject({
      ok: true,
      changed: false,
      fault: { acknowledgedAt: 50, acknowledgedBy: 'noc-alice' },
    });
    expect(await act({ action: 'assign', id, at: 70, by: 'noc-alice', to: 'field-team-xian' })).toMatchObject({
      ok: true,
      fault: { state: 'assigned', assignedTo: 'field-team-xian', assignedBy: 'noc-alice' },
    });
    // an outage that still holds cannot be "fixed"
    expect(await act({ action: 'resolve', id, at: 80, by: 'noc-bob', note: 'replaced PSU', cause: 'power' })).toMatchObject({
      ok: false,
      reason: 'refused',
      field: 'id',
    });
    await s.apply([{ type: 'clear', object: 'device:r1', kind: 'device-unreachable', at: 90, autoResolve: false }]);
    expect((await s.fault(id))!.state).toBe('cleared');
    expect(await act({ action: 'close', id, at: 95, by: 'noc-bob' })).toMatchObject({ ok: false, field: 'id' });
    expect(await act({ action: 'resolve', id, at: 100, by: 'noc-bob', note: 'replaced PSU', cause: 'no-such-cause' })).toMatchObject({
      ok: false,
      field: 'cause',
    });
    expect(await act({ action: 'resolve', id, at: 100, by: 'noc-bob', note: 'replaced PSU', cause: 'power' })).toMatchObject({
      ok: true,
      fault: { state: 'resolved', resolvedAt: 100, resolvedBy: 'noc-bob', resolution: 'replaced PSU', cause: 'power', clearedAt: 90 },
    });
    expect(await act({ action: 'note', id, at: 110, by: 'noc-carol', text: 'vendor RMA 4711' })).toMatchObject({ ok: true, changed: true });
    expect(await act({ action: 'close', id, at: 120, by: 'noc-carol' })).toMatchObject({
      ok: true,
      fault: { state: 'closed', closedAt: 120, closedBy: 'noc-carol' },
    });
    expect(await act({ action: 'assign', id, at: 130, by: 'noc-carol', to: 'x' })).toMatchObject({ ok: false });
    expect(await act({ action: 'ack', id: 9999, at: 130, by: 'noc-carol' })).toMatchObject({ ok: false, reason: 'no-fault' });
    expect((await s.journal(id)).map((j) => [j.actor, j.action])).toEqual([
      ['stacks-daemon', 'open'],
      ['noc-alice', 'ack'],
      ['noc-alice', 'assign'],
      ['stacks-daemon', 'clear'],
      ['noc-bob', 'resolve'],
      ['noc-carol', 'note'],
      ['noc-carol', 'close'],
    ]);
    expect((await s.listFaults({ openOnly: true })).map((f) => f.id)).toEqual([]);
    await s.close();
  });

  it('marks a flapping fault, and a cleared-but-unresolved fault stays an open ticket while a new outage opens a new fault', async () => {
    const s = await make();
    const [r] = await s.apply([
      { type: 'open', object: 'link:x', kind: 'link-down', at: 0, flapping: true },
      { type: 'flapping', object: 'link:x', kind: 'link-down', at: 5 },
      { type: 'clear', object: 'link:x', kind: 'link-down', at: 600, autoResolve: false },
      { type: 'open', object: 'link:x', kind: 'link-down', at: 700 },
    ]);
    expect(r!.fault!.flapping).toBe(true);
    const open = await s.listFaults({ openOnly: true });
    expect(open.map((f) => [f.openedAt, f.state, f.flapping])).toEqual([
      [700, 'open', false],
      [0, 'cleared', true],
    ]);
    expect((await s.activeFaults()).map((f) => f.openedAt)).toEqual([700]);
    await s.close();
  });

  it('records watch spans: the gap between two daemon runs is in none of them', async () => {
    const s = await make();
    const a = await s.beginWatch(1000);
    await s.heartbeat(a, 5000);
    await s.heartbeat(a, 4000); // a late beat never shrinks the span
    const b = await s.beginWatch(65_000);
    await s.heartbeat(b, 90_000);
    expect(await s.watchSpans(0, 100_000)).toEqual([
      { id: a, from: 1000, to: 5000 },
      { id: b, from: 65_000, to: 90_000 },
    ]);
    expect(await s.watchSpans(70_000, 80_000)).toEqual([{ id: b, from: 70_000, to: 80_000 }]);
    await s.close();
  });

  it('finds faults overlapping a window and keeps first-seen times', async () => {
    const s = await make();
    await s.apply([
      { type: 'open', object: 'platform:p', kind: 'platform-down', at: 100 },
      { type: 'clear', object: 'platform:p', kind: 'platform-down', at: 200, autoResolve: true },
      { type: 'open', object: 'platform:q', kind: 'platform-down', at: 500 },
    ]);
    expect((await s.faultsBetween(150, 160)).map((f) => f.object)).toEqual(['platform:p']);
    expect((await s.faultsBetween(300, 1000)).map((f) => f.object)).toEqual(['platform:q']);
    await s.registerObjects([{ object: 'platform:p', type: 'platform' }], 10);
    await s.registerObjects(
      [
        { object: 'platform:p', type: 'platform' },
        { object: 'platform:q', type: 'platform' },
      ],
      20,
    );
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
    expect(await s.activeFaults()).toHaveLength(1000);
    await s.close();
  });
});

describe('an older SQLite store', () => {
  it('gains the lifecycle columns on open; its closed faults count as cleared and resolved then', async () => {
    const file = join(dir, 'old.sqlite');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file);
    db.exec(
      `CREATE TABLE faults (id INTEGER PRIMARY KEY AUTOINCREMENT, object TEXT NOT NULL, kind TEXT NOT NULL, opened_at BIGINT NOT NULL, acknowledged_at BIGINT, acknowledged_by TEXT, closed_at BIGINT, detail TEXT)`,
    );
    db.exec(`CREATE UNIQUE INDEX faults_one_open ON faults (object, kind) WHERE closed_at IS NULL`);
    db.exec(`INSERT INTO faults (object, kind, opened_at, closed_at) VALUES ('link:a', 'link-down', 100, 400), ('link:b', 'link-down', 500, NULL)`);
    db.close();
    const s = new SqliteFaultStore(file);
    const [closed, open] = [(await s.fault(1))!, (await s.fault(2))!];
    expect([closed.state, closed.clearedAt, closed.resolvedAt]).toEqual(['closed', 400, 400]);
    expect([open.state, open.clearedAt]).toEqual(['open', null]);
    // the old one-open index is gone, the new one holds
    expect((await s.apply([{ type: 'open', object: 'link:b', kind: 'link-down', at: 600 }]))[0]!.changed).toBe(false);
    await s.close();
  });
});
