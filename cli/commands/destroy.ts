/** `stacks destroy --target T`: remove everything a target runs (for the lab: namespaces, interfaces, processes, state). */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT } from '../../lib/errors.js';
import { confirmOrRefuse } from './deploy.js';
import { DEFAULT_TARGET, loadTarget, targetInstance, targetNames } from '../../targets/registry.js';
import { audit } from '../../audit/index.js';

export const destroyCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('destroy')
      .description(
        'remove everything a target runs: for `lab`, every stx-<lab>- namespace, host interface, process and the lab state (works after a crash too)',
      )
      .option('-t, --target <target>', `what to destroy (${targetNames().join(', ')})`, DEFAULT_TARGET)
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .option('--auto-approve', 'do not ask for confirmation (required without a terminal)')
      .action(async (opts: { target: string; lab?: string; autoApprove?: boolean }) => {
        const g = globals();
        const target = await loadTarget(opts.target);
        const instance = targetInstance(opts.lab);
        if (!(await confirmOrRefuse(`Destroy ${target.name} ${instance}?`, Boolean(opts.autoApprove), 'destroy'))) {
          process.exitCode = EXIT.policy;
          return;
        }
        const r = await target.destroy({ stateDir: g.stateDir, inventoryDir: g.inventory, instance });
        await audit.record(g.stateDir, {
          action: 'destroy',
          objects: [`${target.name}:${instance}`],
          input: instance,
          result: 'ok',
          detail: { seconds: r.seconds },
        });
        emit(g, r.detail ?? r, () => r.text);
      });
  },
};
