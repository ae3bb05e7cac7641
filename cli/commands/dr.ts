/**
 * `stacks dr`: disaster-recovery drills on the lab (`drill`), the sample service's replication
 * (`status`, `up`, `down`), stored game-day records (`reports`) and clean-up after a crash (`restore`).
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT, runtimeError } from '../../lib/errors.js';
import { checkLabId } from '../../lab/names.js';
import { drillTargets, targetInstance } from '../../targets/registry.js';
import { runDrill, DEFAULT_DRILL_TARGET, type DrillResult } from '../../dr/drill.js';
import { SCENARIOS } from '../../dr/scenarios.js';
import { renderReportText } from '../../dr/report.js';
import { listReports, readReport } from '../../dr/store.js';
import { readService } from '../../dr/service.js';
import { renderStatusText, serviceStatus } from '../../dr/status.js';
import { recoverAbandoned } from '../../dr/journal.js';
import { serviceDown, serviceUp } from '../../dr/lifecycle.js';
import { readFileSync } from 'node:fs';
import { audit } from '../../audit/index.js';

/** What a drill's audit record commits to: the bytes of its stored report (not its path), so the
 * record proves which report the drill produced; a report that cannot be read is named by its path. */
function storedReport(file: string | undefined): Buffer | string {
  if (!file) return '';
  try {
    return readFileSync(file);
  } catch {
    return file;
  }
}

interface DrillCliOptions {
  scenario: string;
  target: string;
  force: boolean;
  class?: string;
  client?: string;
  failback: boolean;
  deploy: boolean;
  scope?: string;
  lab: string;
}

function drillCommand(dr: Command, globals: () => GlobalOptions): void {
  dr.command('drill')
    .description(
      'fail a centre in the lab, run the failover runbook, measure RTO/RPO against the protection class, restore the lab; exit 1 when a target is missed',
    )
    .requiredOption('--scenario <name>', `what fails: ${SCENARIOS.map((s) => s.id).join(', ')}`)
    .option('--target <name>', `where to drill; anything but ${drillTargets().join(', ')} is refused (exit 2) unless --force`, DEFAULT_DRILL_TARGET)
    .option('--force', 'accept a target other than the lab', false)
    .option('--class <id>', 'protection class of the sample service (default: the first class with synchronous replication)')
    .option('--client <device>', 'lab device whose namespace runs the writer (default: the first city core router in scope)')
    .option('--failback', 'after the failover, return to the declared layout and measure that too', false)
    .option('--deploy', 'deploy the lab when it is not running (and destroy it after the drill)', false)
    .option('--scope <scope>', 'lab scope when --deploy deploys it (see `stacks deploy --help`)')
    .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIOS.map((s) => `  ${s.id.padEnd(17)} ${s.title}`).join('\n')}\n\nThe report (text and JSON) is stored under <state dir>/dr/reports/. Ctrl-C stops the drill and restores the lab (exit 130).`,
    )
    .action(async (opts: DrillCliOptions) => {
      const g = globals();
      checkLabId(targetInstance(opts.lab));
      const controller = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        interrupts++;
        if (interrupts === 1) process.stderr.write('\ninterrupted: restoring the lab…\n');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      try {
        const { report, files } = await runDrill({
          stateDir: g.stateDir,
          inventoryDir: g.inventory,
          scenario: opts.scenario,
          lab: targetInstance(opts.lab),
          target: opts.target,
          force: opts.force,
          classId: opts.class,
          client: opts.client,
          failback: opts.failback,
          deploy: opts.deploy,
          scope: opts.scope,
          signal: controller.signal,
          onStep: (s) => {
            if (!g.json) process.stderr.write(`  +${s.at_s.toFixed(1)} s ${s.ok ? 'ok  ' : 'FAIL'} ${s.phase}: ${s.name}${s.detail ? ` — ${s.detail}` : ''}\n`);
          },
        });
        await audit.record(g.stateDir, {
          action: 'dr.drill',
          objects: [`lab:${targetInstance(opts.lab)}`, `scenario:${opts.scenario}`],
          input: storedReport(files.json),
          result: controller.signal.aborted ? 'interrupted' : report.passed ? 'ok' : 'failed',
          detail: { scenario: opts.scenario, class: report.class.id, rto_s: report.rto_s ?? null, writes_lost: report.writes_lost },
        });
        emit(g, report, () => `${renderReportText(report)}\n\nstored: ${files.json}`);
        process.exitCode = controller.signal.aborted ? 130 : report.passed ? EXIT.ok : EXIT.policy;
      } catch (err) {
        // The drill broke (exit 3) but restored the lab and stored its report: show it before the error.
        const stored = (err as { drillReport?: DrillResult }).drillReport;
        await audit
          .record(g.stateDir, {
            action: 'dr.drill',
            objects: [`lab:${targetInstance(opts.lab)}`, `scenario:${opts.scenario}`],
            input: storedReport(stored?.files.json),
            result: 'failed',
            detail: { scenario: opts.scenario, error: (err as { code?: string }).code ?? 'runtime' },
          })
          .catch(() => undefined);
        if (stored && !g.json) process.stdout.write(`${renderReportText(stored.report)}\n\nstored: ${stored.files.json}\n`);
        // under --json the report goes out beside the error, so a script sees which step broke
        if (stored && g.json) (err as { produced?: Record<string, unknown> }).produced = { report: stored.report, stored: stored.files.json };
        throw err;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
    });
}

export const drCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const dr = program.command('dr').description('disaster recovery: drills on the lab, replication status, game-day reports');
    drillCommand(dr, globals);

    dr.command('status')
      .description('replication state and lag of the sample service per centre (pg_stat_replication, pg_last_wal_replay_lsn)')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string }) => {
        const g = globals();
        const rec = await readService(g.stateDir, checkLabId(targetInstance(opts.lab)));
        if (!rec)
          throw runtimeError(
            'E_DR_NO_SERVICE',
            `no DR sample service runs in lab "${targetInstance(opts.lab)}"`,
            'start one with `stacks dr up` (a drill runs its own)',
          );
        const s = await serviceStatus(rec);
        emit(g, s, () => renderStatusText(s));
      });

    dr.command('up')
      .description('start the sample service in the lab (primary in production, standbys as the class asks) and leave it running')
      .option('--class <id>', 'protection class (default: the first class with synchronous replication)')
      .option('--client <device>', 'lab device for clients')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string; class?: string; client?: string }) => {
        const g = globals();
        const rec = await serviceUp({
          stateDir: g.stateDir,
          inventoryDir: g.inventory,
          lab: checkLabId(targetInstance(opts.lab)),
          classId: opts.class,
          client: opts.client,
        });
        await audit.record(g.stateDir, { action: 'dr.up', objects: [`lab:${targetInstance(opts.lab)}`], input: opts, result: 'ok' });
        const s = await serviceStatus(rec);
        emit(g, s, () => renderStatusText(s));
      });

    dr.command('down')
      .description('stop and remove the sample service (databases, addresses)')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string }) => {
        const g = globals();
        const removed = await serviceDown(g.stateDir, checkLabId(targetInstance(opts.lab)));
        await audit.record(g.stateDir, {
          action: 'dr.down',
          objects: [`lab:${targetInstance(opts.lab)}`],
          input: targetInstance(opts.lab),
          result: removed ? 'ok' : 'nothing',
        });
        emit(g, { removed }, () => (removed ? 'sample service removed' : 'no sample service was running'));
      });

    dr.command('restore')
      .description('undo what a drill that died without cleaning up left on the lab (links down, sample service)')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string }) => {
        const g = globals();
        const done = await recoverAbandoned(g.stateDir, checkLabId(targetInstance(opts.lab)));
        await audit.record(g.stateDir, {
          action: 'dr.restore',
          objects: [`lab:${targetInstance(opts.lab)}`],
          input: done,
          result: 'ok',
          detail: { restored: done.length },
        });
        emit(g, { restored: done }, () => (done.length ? `restored: ${done.join('; ')}` : 'nothing to restore'));
      });

    dr.command('reports')
      .description('stored drill reports: the list, or one in full')
      .argument('[id]', 'a report id (from the list)')
      .action(async (id: string | undefined) => {
        const g = globals();
        if (id) {
          const r = await readReport(g.stateDir, id);
          emit(g, r, () => renderReportText(r));
          return;
        }
        const all = await listReports(g.stateDir);
        const rows = all.map((r) => ({ id: r.id, scenario: r.scenario, class: r.class.id, rto_s: r.rto_s, writes_lost: r.writes_lost, passed: r.passed }));
        emit(g, rows, () =>
          rows.length
            ? rows.map((r) => `${r.id}  ${r.passed ? 'PASSED' : 'FAILED'}  RTO ${r.rto_s ?? '-'} s  lost ${r.writes_lost}`).join('\n')
            : 'no drill reports yet',
        );
      });
  },
};
