import { describe, expect, test } from 'vitest';
import { measure, renderReportText, verdict, type DrillReport } from './report.js';
import { parseWriterLines, type WriterLog } from './writer-client.js';

const acks = (list: Array<[number, number, number]>) => list.map(([id, startMs, ackMs]) => ({ id, startMs, ackMs }));
const p6 = { id: 'p6', name: 'core', gbt20988_level: 6, rto_s: 900, rpo_s: 0 };

describe('measure', () => {
  test('RTO runs from the failure to the first acknowledged write started after it', () => {
    const o = measure({
      failAtMs: 10_000,
      acks: acks([
        [1, 9_000, 9_010],
        [2, 9_980, 10_020],
        [3, 13_000, 14_500],
        [4, 14_600, 14_620],
      ]),
      present: new Set([1, 2, 3, 4]),
    });
    expect(o.rto_s).toBe(4.5);
    expect(o.writes_lost).toBe(0);
    expect(o.rpo_s).toBe(0);
    expect(o.max_write_gap_s).toBe(4.48);
  });

  test('acknowledged writes missing on the new primary are lost, and the window is their age at the failure', () => {
    const o = measure({
      failAtMs: 10_000,
      acks: acks([
        [1, 9_000, 9_010],
        [2, 9_500, 9_600],
        [3, 9_900, 9_950],
        [4, 12_000, 12_050],
      ]),
      present: new Set([1, 4]),
    });
    expect(o.writes_lost).toBe(2);
    expect(o.lost_ids).toEqual([2, 3]);
    expect(o.rpo_s).toBe(0.4);
  });

  test('a write started while the failure was being injected does not prove recovery', () => {
    const o = measure({
      failAtMs: 10_000,
      cutAtMs: 10_300,
      acks: acks([
        [1, 10_100, 10_150],
        [2, 15_000, 16_000],
      ]),
      present: new Set([1, 2]),
    });
    expect(o.rto_s).toBe(6);
  });

  test('no answer after the failure: RTO is null', () => {
    expect(measure({ failAtMs: 10_000, acks: acks([[1, 9_000, 9_010]]), present: new Set([1]) }).rto_s).toBeNull();
  });
});

describe('verdict', () => {
  const ok = { rto_s: 3, rpo_s: 0, writes_acked: 100, writes_lost: 0, lost_ids: [], max_write_gap_s: 3 };
  test('a synchronous class passes with RPO 0 and RTO under target', () => {
    expect(verdict(ok, p6, [])).toEqual([]);
  });
  test('one lost acknowledged write fails an RPO-0 class', () => {
    expect(verdict({ ...ok, writes_lost: 1, rpo_s: 0.01 }, p6, [])[0]).toMatch(/1 acknowledged writes lost/);
  });
  test('RTO over the target fails', () => {
    expect(verdict({ ...ok, rto_s: 901 }, p6, [])[0]).toMatch(/RTO 901 s exceeds/);
  });
  test('an asynchronous class tolerates loss within its RPO seconds', () => {
    const p5 = { ...p6, id: 'p5', rpo_s: 1800, rto_s: 7200 };
    expect(verdict({ ...ok, writes_lost: 5, rpo_s: 0.3 }, p5, [])).toEqual([]);
    expect(verdict({ ...ok, writes_lost: 5, rpo_s: 2000 }, p5, [])).toHaveLength(1);
  });
  test('a failed post-check fails the drill', () => {
    expect(verdict(ok, p6, [{ phase: 'post-check', name: 'service answers', at_s: 1, duration_s: 1, ok: false }])[0]).toMatch(/post-check failed/);
  });
});

test('the writer protocol is parsed line by line', () => {
  const log: WriterLog = { acks: [], errors: [] };
  parseWriterLines('A 1 100 105\nE 200 Connection terminated unexpectedly\nA 2 300 310\npartial', log);
  expect(log.acks).toEqual([
    { id: 1, startMs: 100, ackMs: 105 },
    { id: 2, startMs: 300, ackMs: 310 },
  ]);
  expect(log.errors).toEqual([{ ms: 200, message: 'Connection terminated unexpectedly' }]);
});

test('the text report names scenario, targets, measurements and outcome', () => {
  const r: DrillReport = {
    id: 'x-production-loss',
    scenario: 'production-loss',
    title: 'loss of the production centre',
    lab: 'lab',
    target: 'lab',
    system: 'pg',
    class: p6,
    started_at: 'a',
    finished_at: 'b',
    duration_s: 30,
    steps: [{ phase: 'inject', name: 'links down', at_s: 5, duration_s: 0.1, ok: true }],
    rto_s: 4.2,
    rpo_s: 0,
    writes_acked: 500,
    writes_lost: 0,
    lost_ids: [],
    max_write_gap_s: 4.2,
    primary_before: 'xinchuang',
    primary_after: 'info-centre',
    failback: null,
    passed: true,
    failures: [],
  };
  const text = renderReportText(r);
  expect(text).toContain('RTO  target ≤ 900 s   measured 4.2 s');
  expect(text).toContain('0 of 500 acknowledged writes lost');
  expect(text).toContain('xinchuang → info-centre');
  expect(text).toContain('PASSED');
});
