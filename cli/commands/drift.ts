/**
 * `stacks drift`: every deployed device's running config, read through its driver, against the
 * config rendered from the inventory now (someone edited a router by hand). Exit 0: no drift;
 * 2: drift (like `terraform plan -detailed-exitcode`); 3: a device could not be read.
 */
import type { Command } from 'commander';
import type { CommandModule } from '../main.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT } from '../../lib/errors.js';
import { DEFAULT_TARGET, loadTarget, targetInstance, targetNames } from '../../targets/registry.js';
import type { DeviceDrift } from '../../targets/types.js';

export const DRIFT_EXIT = 2;

export function renderDrift(target: string, instance: string, devices: DeviceDrift[]): string {
  const lines: string[] = [];
  for (const d of devices) {
    if (d.error) lines.push(`! ${d.device}: not read — ${d.error}`);
    else if (d.commands.length) {
      lines.push(`~ ${d.device} (${d.platform}): running config differs from the intent; to restore it:`);
      lines.push(...d.commands.map((l) => `    ${l}`));
    }
  }
  const drifted = devices.filter((d) => !d.error && d.commands.length > 0).length;
  const unread = devices.filter((d) => d.error).length;
  lines.push(`${target} ${instance}: ${devices.length} devices — ${drifted} drifted, ${unread} not read, ${devices.length - drifted - unread} as intended`);
  return lines.join('\n');
}

export const driftCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    program
      .command('drift')
      .description(
        'compare every deployed device’s running config (read through its driver) with the rendered intent; exit 0 none, 2 drift, 3 a device could not be read',
      )
      .option('-t, --target <target>', `where the devices run (${targetNames().join(', ')})`, DEFAULT_TARGET)
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { target: string; lab?: string }) => {
        const g = globals();
        const target = await loadTarget(opts.target);
        const instance = targetInstance(opts.lab);
        const devices = await target.drift({ stateDir: g.stateDir, inventoryDir: g.inventory, instance });
        const drifted = devices.filter((d) => !d.error && d.commands.length > 0);
        emit(g, { target: target.name, instance, drifted: drifted.map((d) => d.device), devices }, () => renderDrift(target.name, instance, devices));
        if (devices.some((d) => d.error)) process.exitCode = EXIT.runtime;
        else if (drifted.length) process.exitCode = DRIFT_EXIT;
      });
  },
};
