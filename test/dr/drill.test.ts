/**
 * End to end on a real lab (network namespaces, FRR, PostgreSQL 15 streaming replication): the
 * production centre is lost, the synchronous class fails over with RPO 0 within its RTO, the report
 * says so, failback returns to the declared layout, Ctrl-C mid-drill still restores the lab, and
 * nothing is left on the host afterwards. Runs as root (CI); it must not skip.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labUpForDrill } from '../../dr/lab-up.js';
import { destroyLab, findLeftovers } from '../../lab/destroy.js';
import { listNamespaces, readLinks } from '../../lab/realize.js';
import { DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { REPO, runCli } from '../support/cli.js';
import type { DrillReport } from '../../dr/report.js';

const LAB = 'drt';
// The province core, one city and the three centres: everything a drill touches, and quick to deploy.
const SCOPE = 'cities=yulin;counties=0;townships=0';
const stateDir = mkdtempSync('/tmp/stx-dr-test-');
const base = ['--state-dir', stateDir];

/** Drill processes of this lab still alive: PostgreSQL nodes (they run from /tmp/stx-dr-<lab>-…) and writers. */
function drillProcesses(): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(`/tmp/stx-dr-${LAB}-`) || (cmd.includes('dist/dr/writer.js') && cmd.includes(`drill-`))) out.push(`${p}: ${cmd.slice(0, 120)}`);
    } catch {
      // gone
    }
  }
  return out;
}

/** The lab as the drill must leave it: every interface up, no service address, no server address. */
async function labRestored(): Promise<string[]> {
  const problems: string[] = [];
  for (const ns of (await listNamespaces()).filter((n) => n.startsWith(`stx-${LAB}-`))) {
    for (const l of (await readLinks(ns)).values()) {
      if (!l.up) problems.push(`${ns}/${l.ifname} down`);
      if (l.addresses.some((a) => a.startsWith('192.168.255.254'))) problems.push(`${ns}/${l.ifname} still holds the service address`);
      if (l.ifname === 'lan0-p' && l.addresses.length) problems.push(`${ns}/lan0-p still holds ${l.addresses.join(', ')}`);
    }
  }
  // The lab's own fault record is clean too (`stacks lab status` shows no fault left by the drill).
  const state = JSON.parse(readFileSync(join(stateDir, 'lab', LAB, 'state.json'), 'utf8')) as { faults: { links: string[]; devices: string[] } };
  if (state.faults.links.length || state.faults.devices.length) problems.push(`lab faults left: ${JSON.stringify(state.faults)}`);
  return [...problems, ...drillProcesses()];
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0);
  // The lab's own realization (namespaces, veth, tbf, FRR with the synthesized configs), converged.
  const r = await labUpForDrill({ stateDir, inventoryDir: DEFAULT_INVENTORY_DIR, lab: LAB, scope: SCOPE });
  expect(r.convergence.converged).toBe(true);
}, 900_000);

afterAll(async () => {
  try {
    await destroyLab({ stateDir, lab: LAB });
    const left = await findLeftovers(LAB);
    expect(left).toEqual({ namespaces: [], interfaces: [], processes: [] });
    expect(drillProcesses()).toEqual([]);
    expect(readdirSync('/tmp').filter((f) => f.startsWith(`stx-dr-${LAB}-`))).toEqual([]);
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}, 120_000);

describe('stacks dr drill on the lab', () => {
  test('refuses a target other than the lab (exit 2), before touching anything', async () => {
    const r = await runCli([...base, 'dr', 'drill', '--scenario', 'production-loss', '--lab', LAB, '--target', 'province']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/refusing to drill target "province"/);
    expect(await labRestored()).toEqual([]);
  });

  test('production-centre loss: the synchronous class fails over with RPO 0 under its RTO, fails back, and the lab is restored', async () => {
    const r = await runCli([...base, '--json', 'dr', 'drill', '--scenario', 'production-loss', '--lab', LAB, '--failback'], { timeoutMs: 600_000 });
    // a drill that broke prints its error with the stored report beside it
    const out = JSON.parse(r.stdout) as DrillReport & { error?: unknown; report?: DrillReport };
    const report = out.report ?? out;
    const why = `exit ${r.code}\n${r.stderr}\n${JSON.stringify(out.error ?? report.failures)}\n${JSON.stringify(report.steps, null, 1)}`;
    expect(r.code, why).toBe(0);
    console.log(
      `production-loss drill: RTO ${report.rto_s} s, ${report.writes_lost}/${report.writes_acked} lost, failback downtime ${report.failback?.downtime_s} s, ${report.duration_s} s in all`,
    );
    expect(report.scenario).toBe('production-loss');
    expect(report.class.rpo_s).toBe(0);
    expect(report.writes_acked).toBeGreaterThan(50);
    expect(report.writes_lost).toBe(0);
    expect(report.rto_s).not.toBeNull();
    expect(report.rto_s!).toBeLessThan(report.class.rto_s);
    expect(report.primary_before).toBe('xinchuang');
    expect(report.failback).toMatchObject({ done: true, writes_lost: 0 });
    expect(report.primary_after).toBe('xinchuang');
    expect(report.passed).toBe(true);
    const names = report.steps.map((s) => s.name);
    expect(names.some((n) => n.startsWith('promote info-centre'))).toBe(true);
    expect(names.some((n) => n.startsWith('move the service address to info-centre'))).toBe(true);
    // stored durably, text and JSON, and the text says it passed
    const stored = join(stateDir, 'dr', 'reports', `${report.id}`);
    expect(JSON.parse(readFileSync(`${stored}.json`, 'utf8')).passed).toBe(true);
    expect(readFileSync(`${stored}.txt`, 'utf8')).toMatch(/outcome: PASSED/);
    // the drill is on the audit trail, committing to the bytes of the report it stored
    const log = JSON.parse((await runCli([...base, '--json', 'audit', 'log', '--action', 'dr.drill'])).stdout) as Array<{
      objects: string[];
      result: string;
      inputHash: string;
    }>;
    expect(log.at(-1)).toMatchObject({ objects: [`lab:${LAB}`, 'scenario:production-loss'], result: 'ok' });
    expect(log.at(-1)!.inputHash).toBe(
      createHash('sm3')
        .update(readFileSync(`${stored}.json`))
        .digest('hex'),
    );
    expect(await labRestored()).toEqual([]);
    expect(existsSync(join(stateDir, 'dr', LAB, 'service.json'))).toBe(false);
  }, 660_000);

  test('an error in the middle of the runbook still restores the lab (exit 3, report stored)', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'stacks.js'), ...base, 'dr', 'drill', '--scenario', 'production-loss', '--lab', LAB], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let killed: number[] = [];
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Production is gone; now the same-city database dies too before the runbook can promote it.
      if (killed.length === 0 && /ok\s+inject: take xinchuang/.test(stderr)) {
        killed = drillProcesses()
          .filter((p) => p.includes('/info-centre/data'))
          .map((p) => Number(p.split(':')[0]));
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      }
    });
    child.stdout.resume();
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 128)));
    expect(killed.length).toBeGreaterThan(0);
    expect(code).toBe(3);
    expect(stderr).toMatch(/FAIL runbook: promote info-centre/);
    expect(await labRestored()).toEqual([]);
    const reports = readdirSync(join(stateDir, 'dr', 'reports'))
      .filter((f) => f.endsWith('production-loss.json'))
      .sort();
    const last = JSON.parse(readFileSync(join(stateDir, 'dr', 'reports', reports.at(-1)!), 'utf8')) as DrillReport;
    expect(last.aborted).toMatch(/^error: /);
    expect(last.passed).toBe(false);
    expect(last.steps.filter((s) => s.phase === 'restore').every((s) => s.ok)).toBe(true);
  }, 600_000);

  test('Ctrl-C in the middle of a drill still restores the lab (exit 130)', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'stacks.js'), ...base, 'dr', 'drill', '--scenario', 'same-city-loss', '--lab', LAB], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Interrupt right after the failure was injected: links are down, a database is stopped.
      if (!sent && /ok\s+inject: stop/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.stdout.resume();
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 128)));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: restoring the lab/);
    expect(await labRestored()).toEqual([]);
    const reports = readdirSync(join(stateDir, 'dr', 'reports')).filter((f) => f.endsWith('same-city-loss.json'));
    const last = JSON.parse(readFileSync(join(stateDir, 'dr', 'reports', reports.sort().at(-1)!), 'utf8')) as DrillReport;
    expect(last.aborted).toMatch(/interrupted/);
    expect(last.passed).toBe(false);
    expect(last.steps.filter((s) => s.phase === 'restore').every((s) => s.ok)).toBe(true);
  }, 600_000);
});
