import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { buildModel, synthesize } from '../../stacks/synth.js';
import { allContributions } from '../../stacks/registry.js';

export const synthCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('synth')
      .description('render the whole province (address plan, device configs, merge plan, cloud, DR and monitoring stacks) into cdktf.out/, all or nothing')
      .option('-o, --output <dir>', 'output folder', 'cdktf.out')
      .action(async (opts: { output: string }) => {
        const g = globals();
        const started = performance.now();
        const model = buildModel(await loadInventory(g.inventory));
        const outcome = await synthesize(model, allContributions(model), resolve(opts.output));
        const seconds = (performance.now() - started) / 1000;
        const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
        emit(g, { ...outcome, seconds, peak_rss_mb: peakRssMb }, () =>
          [
            `synthesized ${outcome.stacks.length} stacks, ${outcome.files} files into ${outcome.outdir} in ${seconds.toFixed(2)} s`,
            ...outcome.stacks.map((s) => `  ${s.name.padEnd(32)} ${String(s.files).padStart(6)} files${s.terraform ? '  (Terraform JSON)' : ''}`),
            outcome.allocated.length ? `allocated address blocks for ${outcome.allocated.length} new sites (recorded in the IPAM ledger)` : 'no new address allocations',
          ].join('\n'),
        );
      });
  },
};
