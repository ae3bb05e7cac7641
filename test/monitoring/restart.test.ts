/**
 * kill -9 and restart of the real `stacks daemon` process (SQLite, WAL): faults opened before the
 * kill stay open, are not opened a second time after the restart, and close once on recovery.
 * Credentials come from the environment here, and never reach the logs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SimAgent } from '../../bench/support/sim-agent.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { waitUntil } from '../support/monitor-harness.js';

const community = 'restart-Community-6612';
const dir = mkdtempSync(join(tmpdir(), 'stacks-restart-'));
const stateDir = join(dir, 'state');
const agents: SimAgent[] = [];
let daemon: (Proc & { port: number }) | undefined;
const logs: string[] = [];

afterAll(async () => {
  await daemon?.kill('SIGKILL');
  for (const a of agents) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

const start = async () => {
  daemon = await startDaemon(
    [
      '--state-dir',
      stateDir,
      'daemon',
      '--targets',
      join(dir, 'targets.yaml'),
      '--snmp-version',
      'v2c',
      '--interval',
      '1',
      '--timeout',
      '500',
      '--open-after',
      '0',
      '--close-after',
      '0',
      '--listen',
      '127.0.0.1:0',
      '--no-traps',
    ],
    { STACKS_SNMP_COMMUNITY: community, STACKS_LOG_LEVEL: 'debug' },
  );
};
const stop9 = async () => {
  await daemon!.kill('SIGKILL');
  logs.push(daemon!.output());
};

async function faults() {
  const s = new SqliteFaultStore(join(stateDir, 'monitoring', 'faults.sqlite'));
  try {
    return await s.listFaults({ limit: 10_000 });
  } finally {
    await s.close();
  }
}

describe('kill -9 and restart', () => {
  it('loses no fault and doubles none', async () => {
    for (let i = 0; i < 5; i++) {
      const a = new SimAgent({ address: `127.79.0.${i + 1}`, port: 1161, interfaces: 4, community });
      await a.start();
      agents.push(a);
    }
    writeFileSync(join(dir, 'targets.yaml'), stringify({ devices: agents.map((a, i) => ({ device: `k${i}`, address: a.opts.address, port: 1161 })) }));
    await start();
    // 20 interfaces down while the daemon runs
    for (const a of agents) for (let i = 0; i < 4; i++) a.setOper(i, false);
    await waitUntil(async () => (await faults()).filter((f) => f.closedAt === null).length === 20 || undefined, 20_000, '20 open faults', 300);
    const before = await faults();
    await stop9();
    // restart twice, killing it mid-flight each time
    await start();
    await new Promise((r) => setTimeout(r, 2500));
    await stop9();
    await start();
    await new Promise((r) => setTimeout(r, 2500));
    const after = await faults();
    expect(after.map((f) => [f.id, f.object, f.openedAt, f.closedAt])).toEqual(before.map((f) => [f.id, f.object, f.openedAt, f.closedAt]));
    // recovery closes each exactly once
    for (const a of agents) for (let i = 0; i < 4; i++) a.setOper(i, true);
    await waitUntil(async () => (await faults()).every((f) => f.closedAt !== null) || undefined, 20_000, 'all closed', 300);
    const closed = await faults();
    expect(closed).toHaveLength(20);
    expect(closed.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
    await daemon!.kill('SIGTERM');
    logs.push(daemon!.output());
    const text = logs.join('\n');
    expect(text).toContain('stacks daemon: 5 devices');
    expect(text).not.toContain(community);
  });
});
