/** `stacks faults ack|assign|note|resolve|close|show` on a real SQLite store, through the built CLI. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { runCli } from '../support/cli.js';

const state = mkdtempSync(join(tmpdir(), 'stacks-faults-cli-'));
beforeAll(async () => {
  const s = new SqliteFaultStore(join(state, 'monitoring', 'faults.sqlite'));
  const t = Date.now() - 600_000;
  await s.apply([
    { type: 'open', object: 'link:a--b', kind: 'link-down', at: t, flapping: true },
    { type: 'clear', object: 'link:a--b', kind: 'link-down', at: t + 1000, autoResolve: false },
    { type: 'open', object: 'device:r1', kind: 'device-unreachable', at: t },
  ]);
  await s.close();
});
afterAll(() => rmSync(state, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(['--state-dir', state, ...args]);

describe('stacks faults lifecycle', () => {
  it('records each operator and refuses what the lifecycle forbids, naming the field', async () => {
    expect((await cli('faults', 'ack', '1', '--operator', 'alice')).code).toBe(0);
    expect((await cli('faults', 'assign', '1', 'field-team-xian', '--operator', 'alice')).code).toBe(0);
    expect((await cli('faults', 'note', '1', 'fibre', 'spliced', '--operator', 'bob')).code).toBe(0);
    const badCause = await cli('faults', 'resolve', '1', '--cause', 'gremlins', '--note', 'x', '--operator', 'bob');
    expect(badCause.code).toBe(2);
    expect(badCause.stderr).toContain('faults[1].cause');
    const stillDown = await cli('faults', 'resolve', '2', '--cause', 'power', '--note', 'x', '--operator', 'bob');
    expect(stillDown.code).toBe(2);
    expect(stillDown.stderr).toContain('still holds');
    expect((await cli('faults', 'resolve', '1', '--cause', 'fibre-cut', '--note', 'spliced at km 12', '--operator', 'bob')).code).toBe(0);
    expect((await cli('faults', 'close', '1', '--operator', 'carol')).code).toBe(0);
    const show = JSON.parse((await cli('--json', 'faults', 'show', '1')).stdout) as {
      fault: Record<string, unknown>;
      journal: Array<{ actor: string; action: string; text: string | null }>;
    };
    expect(show.fault).toMatchObject({
      state: 'closed',
      flapping: true,
      acknowledgedBy: 'alice',
      assignedTo: 'field-team-xian',
      resolvedBy: 'bob',
      cause: 'fibre-cut',
      closedBy: 'carol',
    });
    expect(show.journal.map((j) => `${j.actor}:${j.action}`)).toEqual([
      'stacks-daemon:open',
      'stacks-daemon:clear',
      'alice:ack',
      'alice:assign',
      'bob:note',
      'bob:resolve',
      'carol:close',
    ]);
    expect(show.journal.find((j) => j.action === 'note')!.text).toBe('fibre spliced');
    const open = JSON.parse((await cli('--json', 'faults', '--open')).stdout) as Array<{ id: number }>;
    expect(open.map((f) => f.id)).toEqual([2]);
    expect((await cli('faults', 'ack', '99')).code).toBe(2);
    // Every accepted action is one audit record (who, on which fault and object, the input's hash);
    // the refused ones (bad cause, still down, no such fault) are not.
    const log = JSON.parse((await cli('--json', 'audit', 'log', '--action', 'fault.*')).stdout) as Array<{
      action: string;
      objects: string[];
      result: string;
      user: string;
      inputHash: string;
      detail: { by: string; kind: string };
    }>;
    expect(log.map((r) => `${r.detail.by}:${r.action}:${r.objects.join(',')}:${r.result}`)).toEqual([
      'alice:fault.ack:fault:1,link:a--b:ok',
      'alice:fault.assign:fault:1,link:a--b:ok',
      'bob:fault.note:fault:1,link:a--b:ok',
      'bob:fault.resolve:fault:1,link:a--b:ok',
      'carol:fault.close:fault:1,link:a--b:ok',
    ]);
    expect(log.every((r) => r.user && /^[0-9a-f]{64}$/.test(r.inputHash))).toBe(true);
    expect((await cli('audit', 'verify')).code).toBe(0);
  }, 60_000);
});
