/** `stacks destroy --target lab`: remove the lab's namespaces, interfaces, processes and files. */
import type { Command } from 'commander';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT } from '../../lib/errors.js';
import { destroyLab } from '../../lab/destroy.js';
import { checkTarget, confirmOrRefuse } from './deploy.js';
import { audit } from '../../audit/index.js';

export const destroyCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('destroy')
      .description('remove everything a target runs: for `lab`, every stx-<lab>- namespace, host interface, process and the lab state (works after a crash too)')
      .option('-t, --target <target>', 'what to destroy (lab)', 'lab')
      .option('--lab <id>', 'lab id', 'lab')
      .option('--auto-approve', 'do not ask for confirmation (required without a terminal)')
      .action(async (opts: { target: string; lab: string; autoApprove?: boolean }) => {
        const g = globals();
        checkTarget(opts.target);
        if (!(await confirmOrRefuse(`Destroy lab ${opts.lab}?`, Boolean(opts.autoApprove), 'destroy'))) {
          process.exitCode = EXIT.policy;
          return;
        }
        const r = await destroyLab({ stateDir: g.stateDir, lab: opts.lab });
        await audit.record(g.stateDir, { action: 'destroy', objects: [`lab:${r.lab}`], input: opts.lab, result: 'ok', detail: { namespaces: r.namespaces, processes: r.processes, interfaces: r.interfaces } });
        emit(g, r, () => `lab ${r.lab} destroyed: ${r.namespaces} namespaces, ${r.processes} processes, ${r.interfaces} host interfaces removed in ${r.seconds.toFixed(1)} s`);
      });
  },
};
