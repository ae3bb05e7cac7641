/**
 * `stacks kpi`: Table 1 indicators 1, 2, 3, 4, 7, 8, 9, 12, 13 against their 2023 and 2025 targets,
 * from the inventory and the fault store.
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { kpiReport } from '../../monitors/kpi-report.js';
import { renderKpiTable } from '../../monitors/kpi.js';
import { inputError } from '../../lib/errors.js';
import { openExistingStore, withStoreOption } from './monitoring-options.js';
import { targetInstance } from '../../targets/registry.js';

export const kpiCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    withStoreOption(
      program
        .command('kpi')
        .description(
          "the plan's Table 1 indicators this system computes (1, 2, 3, 4, 7, 8, 9, 12, 13), each against its 2023 and 2025 targets, saying its source (live, journal, declared) and when it was measured; --json for a list of {id, value, target_2023, target_2025, …}",
        )
        .option('--security-window <hours>', 'a security incident is remediated in time when closed within this many hours (indicator 12)', '24')
        .option('--lab <id>', 'the deployed lab whose running configs indicator 1 reads (default: $STACKS_LAB, else "lab")'),
    ).action(async (opts: { postgres?: string; securityWindow: string; lab?: string }) => {
      const g = globals();
      const hours = Number(opts.securityWindow);
      if (!Number.isFinite(hours) || hours <= 0)
        throw inputError('E_USAGE', '(command line)', '--security-window', `"${opts.securityWindow}" is not a positive number of hours`);
      const inv = await loadInventory(g.inventory);
      const store = await openExistingStore(g.stateDir, opts.postgres);
      try {
        const rows = await kpiReport(inv, store, { securityWindowMs: hours * 3_600_000, stateDir: g.stateDir, runningConfigsOf: targetInstance(opts.lab) });
        emit(g, rows, () => renderKpiTable(rows));
      } finally {
        await store?.close();
      }
    });
  },
};
