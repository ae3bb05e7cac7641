/**
 * `stacks deploy --target T`: push every device's rendered config to a target (load → compare →
 * commit with confirm timer → post-checks → confirm or roll back); `--atomic` makes the whole change
 * one network-wide transaction, staged with `--canary N` or `--stage-by level`.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createInterface } from 'node:readline/promises';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT, inputError } from '../../lib/errors.js';
import { DEFAULT_TARGET, loadTarget, targetInstance, targetNames, targetsHelp } from '../../targets/registry.js';
import type { ApplyEvent, ApplyResult } from '../../targets/types.js';
import { DEFAULT_RATE_SCALE } from '../../lab/wiring.js';
import { audit } from '../../audit/index.js';

/** One audit record per device step (commit, then confirm or rollback) and one for the whole deploy. */
async function auditDeploy(stateDir: string, r: ApplyResult): Promise<void> {
  for (const o of r.outcomes) {
    if (o.action === 'unchanged') continue;
    const base = {
      objects: [`device:${o.device}`],
      input: o.diff ?? o.reason ?? '',
      detail: { target: r.target, instance: r.instance, ...(o.reason ? { reason: o.reason.slice(0, 200) } : {}) },
    };
    await audit.record(stateDir, { ...base, action: 'deploy.commit', result: o.action === 'failed' ? 'failed' : 'ok' });
    if (o.action === 'changed') await audit.record(stateDir, { ...base, action: 'deploy.confirm', result: 'ok' });
    if (o.action === 'rolled-back') await audit.record(stateDir, { ...base, action: 'deploy.rollback', result: 'rolled-back' });
  }
  const bad = r.rolledBack + r.failed > 0 || r.interrupted;
  await audit.record(stateDir, {
    action: 'deploy',
    objects: [`${r.target}:${r.instance}`],
    input: r.outcomes.map((o) => [o.device, o.action]),
    result: r.interrupted ? 'interrupted' : bad ? 'failed' : 'ok',
    detail: { devices: r.devices, changed: r.changed, rolledBack: r.rolledBack, failed: r.failed },
  });
}

export interface LabCliOptions {
  target: string;
  lab?: string;
  scope?: string;
}

function udpPort(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw inputError('E_USAGE', '(command line)', name, `"${v}" must be a UDP port 0–65535 (0: off)`);
  return n;
}

export function positiveInt(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw inputError('E_USAGE', '(command line)', name, `"${v}" must be a positive integer`);
  return n;
}

/** Ask on a terminal; refuse without one (like terraform apply without -auto-approve). */
export async function confirmOrRefuse(question: string, autoApprove: boolean, what: string): Promise<boolean> {
  if (autoApprove) return true;
  if (!process.stdin.isTTY)
    throw inputError(
      'E_NOT_APPROVED',
      '(command line)',
      '--auto-approve',
      `${what} needs confirmation and there is no terminal to ask on`,
      'pass --auto-approve to run non-interactively',
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} Only 'yes' will be accepted: `);
  rl.close();
  return answer.trim() === 'yes';
}

export const deployCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('deploy')
      .description(`deploy the network onto a target: ${targetsHelp()}`)
      .option('-t, --target <target>', `where to deploy (${targetNames().join(', ')})`, DEFAULT_TARGET)
      .option('--lab <id>', 'lab id: prefixes namespaces (stx-<id>-…) and host interfaces (default: $STACKS_LAB, else "lab")')
      .option(
        '--scope <scope>',
        'part of the topology, e.g. "cities=xian,yulin;counties=2;townships=2" or a list of site ids (default: core + 2 cities × 2 counties × 2 townships + data centres; see lab/scope.ts)',
      )
      .option('--parallel <n>', 'devices pushed at once', '4')
      .option(
        '--rate-scale <n>',
        `divide every tier's rate by n for the lab's tc shaping: htb QoS classes on uplinks, tbf elsewhere (10G / ${DEFAULT_RATE_SCALE} = 100 Mbit/s)`,
      )
      .option('--v2c', 'also enable SNMP v2c (a generated community, host side only); SNMPv3 authPriv is always on')
      .option(
        '--trap-sink <port>',
        "snmpd on every device sends linkDown/linkUp traps to this UDP port on the host's end of the device's management link (SNMPv3 authPriv); 0 turns traps off; kept in the lab state",
      )
      .option('--confirm-timeout <s>', 'seconds before a device rolls itself back when a commit is not confirmed', '180')
      .option('--check-timeout <s>', 'seconds post-checks may take before a commit is rolled back', '45')
      .option('--refresh', 'compare every device with its running config, not only changed ones')
      .option('--auto-approve', 'do not ask for confirmation (required without a terminal)')
      .option(
        '--atomic',
        'one network-wide transaction: commit every changed device with a confirm timer, check the whole network (model verify and live checks), then confirm all or roll back all',
      )
      .option('--canary <n>', 'with --atomic: the first N changed devices go first as their own stage')
      .option('--stage-by <level>', 'with --atomic: one stage per level of the site tree (province, city, county, township)')
      .action(
        async (
          opts: LabCliOptions & {
            parallel?: string;
            rateScale?: string;
            v2c?: boolean;
            trapSink?: string;
            confirmTimeout?: string;
            checkTimeout?: string;
            refresh?: boolean;
            autoApprove?: boolean;
            atomic?: boolean;
            canary?: string;
            stageBy?: string;
          },
        ) => {
          const g = globals();
          const target = await loadTarget(opts.target);
          if ((opts.canary !== undefined || opts.stageBy !== undefined) && !opts.atomic)
            throw inputError(
              'E_USAGE',
              '(command line)',
              opts.canary !== undefined ? '--canary' : '--stage-by',
              'staged rollout is part of a transaction',
              'add --atomic',
            );
          if (opts.stageBy !== undefined && opts.stageBy !== 'level')
            throw inputError('E_USAGE', '(command line)', '--stage-by', `"${opts.stageBy}" is not a staging`, 'the one staging is: level');
          const ctx = { stateDir: g.stateDir, inventoryDir: g.inventory, instance: targetInstance(opts.lab), scope: opts.scope };
          if (!opts.autoApprove) {
            const plan = await target.plan(ctx);
            process.stderr.write(plan.text + '\n');
            if (!(await confirmOrRefuse(`Deploy these changes to ${target.name} ${ctx.instance}?`, false, 'deploy'))) {
              process.stderr.write('deploy cancelled\n');
              process.exitCode = EXIT.policy;
              return;
            }
          }
          const controller = new AbortController();
          const onSigint = () => {
            if (controller.signal.aborted) process.exit(130);
            process.stderr.write('\ninterrupt: finishing devices in flight (Ctrl-C again to quit now; unconfirmed devices roll themselves back)\n');
            controller.abort();
          };
          process.on('SIGINT', onSigint);
          const bar =
            process.stderr.isTTY && !g.json
              ? new cliProgress.SingleBar(
                  { format: ' {bar} {value}/{total} devices | {phase} {last}', stream: process.stderr },
                  cliProgress.Presets.shades_classic,
                )
              : undefined;
          let started = false;
          try {
            const result = await target.apply(ctx, {
              parallel: positiveInt('--parallel', opts.parallel, 4),
              targetOptions: {
                rateScale: opts.rateScale === undefined ? undefined : positiveInt('--rate-scale', opts.rateScale, DEFAULT_RATE_SCALE),
                v2c: opts.v2c,
                trapSinkPort: opts.trapSink === undefined ? undefined : udpPort('--trap-sink', opts.trapSink),
              },
              atomic: opts.atomic,
              canary: opts.canary === undefined ? undefined : positiveInt('--canary', opts.canary, 1),
              stageBy: opts.stageBy === 'level' ? 'level' : undefined,
              confirmSeconds: positiveInt('--confirm-timeout', opts.confirmTimeout, 180),
              checkTimeoutMs: positiveInt('--check-timeout', opts.checkTimeout, 45) * 1000,
              refresh: opts.refresh,
              signal: controller.signal,
              onEvent: (e: ApplyEvent) => {
                if (!bar) return;
                if (e.kind === 'phase') {
                  if (!started) bar.start(1, 0, { phase: e.phase, last: '' });
                  started = true;
                  bar.update({ phase: e.phase });
                } else {
                  bar.setTotal(e.total);
                  if (e.done) bar.increment(1, { last: `${e.device} ${e.step}` });
                  else bar.update({ last: `${e.device} ${e.step}` });
                }
              },
            });
            bar?.stop();
            await auditDeploy(g.stateDir, result);
            const { text, ...json } = result;
            emit(g, json, () => text);
            if (!result.ok) process.exitCode = result.interrupted ? 130 : EXIT.policy;
          } catch (err) {
            await audit
              .record(g.stateDir, {
                action: 'deploy',
                objects: [`${target.name}:${ctx.instance}`],
                input: opts.scope ?? '',
                result: 'failed',
                detail: { error: (err as { code?: string }).code ?? 'runtime' },
              })
              .catch(() => undefined);
            throw err;
          } finally {
            bar?.stop();
            process.off('SIGINT', onSigint);
          }
        },
      );
  },
};
