import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { loadInventory } from '../../inventory/load.js';
import { planAddresses } from '../../network/ipam.js';
import { blockUsage, nextFree } from '../../network/ipam-report.js';
import { inputError } from '../../lib/errors.js';
import type { Family, Level } from '../../network/types.js';

const LEVELS = ['province', 'city', 'county', 'township', 'department', 'datacenter'];

function familyOption(value: string | undefined): Family | undefined {
  if (value === undefined) return undefined;
  if (value === 'ipv4' || value === 'ipv6') return value;
  throw inputError('E_USAGE', '(command line)', '--family', `"${value}" is not ipv4 or ipv6`);
}

export const ipamCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const ipam = program.command('ipam').description('address plan: block utilisation and next free prefixes');
    ipam
      .command('usage', { isDefault: true })
      .description('utilisation of each site block (children and infra blocks as a share of the block)')
      .option('--level <level>', `only sites of this level (${LEVELS.join(', ')})`)
      .option('--site <id>', 'only this site')
      .option('--family <family>', 'ipv4 or ipv6')
      .action(async (opts: { level?: string; site?: string; family?: string }) => {
        const g = globals();
        if (opts.level && !LEVELS.includes(opts.level))
          throw inputError('E_USAGE', '(command line)', '--level', `"${opts.level}" is not one of ${LEVELS.join(', ')}`);
        const plan = planAddresses(await loadInventory(g.inventory));
        if (opts.site && !plan.blocks.has(opts.site))
          throw inputError(
            'E_USAGE',
            '(command line)',
            '--site',
            `no site "${opts.site}"`,
            'site ids look like xian, xian.yanta, xian.yanta.t03, dept.finance',
          );
        const rows = blockUsage(plan, { level: opts.level as Level | undefined, site: opts.site, family: familyOption(opts.family) });
        emit(g, { blocks: rows, pending: plan.added }, () =>
          [
            `${'site'.padEnd(28)} ${'family'.padEnd(6)} ${'block'.padEnd(24)} ${'children'.padStart(8)} ${'used'.padStart(8)}`,
            ...rows.map(
              (r) =>
                `${r.site.padEnd(28)} ${r.family.padEnd(6)} ${r.block.padEnd(24)} ${String(r.children).padStart(8)} ${(r.used * 100).toFixed(1).padStart(7)}%`,
            ),
            plan.added.length ? `\n${plan.added.length} sites have no ledger entry yet: run \`stacks synth\` to record them` : '',
          ].join('\n'),
        );
      });
    ipam
      .command('next')
      .description('the next free prefix of a length inside a block (a site id or a prefix)')
      .requiredOption('--in <block>', 'site id (its block) or prefix, e.g. xian or 10.0.0.0/10')
      .requiredOption('--length <n>', 'prefix length wanted')
      .option('--family <family>', 'ipv4 or ipv6 (with a site id; default ipv4)')
      .action(async (opts: { in: string; length: string; family?: string }) => {
        const g = globals();
        const length = Number(opts.length);
        if (!Number.isInteger(length) || length < 0 || length > 128)
          throw inputError('E_USAGE', '(command line)', '--length', `"${opts.length}" is not a prefix length`);
        const plan = planAddresses(await loadInventory(g.inventory));
        const result = nextFree(plan, opts.in, length, familyOption(opts.family));
        emit(g, result, () =>
          result.prefix ? `${result.prefix}   (next free /${length} in ${result.within})` : `no free /${length} left in ${result.within}`,
        );
        if (!result.prefix) process.exitCode = 1;
      });
  },
};
