/**
 * `stacks lab status | fault | targets`: look at a deployed lab and inject faults for the
 * monitoring and DR work. (`stacks verify --target lab` is the lab target's verify: targets/lab/target.ts.)
 */
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { emit, type GlobalOptions } from '../context.js';
import { EXIT } from '../../lib/errors.js';
import { labStatus, renderLabStatus } from '../../lab/status.js';
import { faultDevice, faultLink } from '../../lab/fault.js';
import { readLabTargets } from '../../lab/targets.js';
import { targetInstance } from '../../targets/registry.js';

export const labCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    const lab = program.command('lab').description('inspect a deployed lab and inject faults');
    const base = (id: string | undefined) => ({ stateDir: globals().stateDir, inventoryDir: globals().inventory, lab: targetInstance(id) });
    lab
      .command('status')
      .description('devices (namespace, daemons), links (both ends), OSPF/OSPFv3 adjacencies and held faults')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string }) => {
        const s = await labStatus(base(opts.lab));
        emit(globals(), s, () => renderLabStatus(s));
        if (!s.deployed || !s.healthy) process.exitCode = EXIT.policy;
      });
    lab
      .command('targets')
      .description('the SNMP agents of a deployed lab (device, namespace, host-reachable address) and the secrets file')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (opts: { lab?: string }) => {
        const t = await readLabTargets(globals().stateDir, targetInstance(opts.lab));
        emit(globals(), t ?? { targets: [] }, () =>
          t
            ? t.targets.map((x) => `${x.device.padEnd(28)} ${x.namespace.padEnd(36)} udp:${x.address}:${x.port}`).join('\n') +
              `\nSNMPv3 credentials: ${t.secretsFile}`
            : `lab ${targetInstance(opts.lab)} is not deployed`,
        );
      });
    const fault = lab.command('fault').description('take a link or a device down, or bring it back up');
    fault
      .command('link <a> <b> <direction>')
      .description('hold the link between devices a and b down (both ends) or release it; `internet` names an exit’s upstream')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (a: string, b: string, direction: string, opts: { lab?: string }) => {
        const r = await faultLink(base(opts.lab), a, b, direction);
        emit(globals(), r, () => `${r.object} ${r.direction} (${r.interfaces.join(', ')})`);
      });
    fault
      .command('device <device> <direction>')
      .description('hold every interface of a device down (management included: SNMP and SSH stop answering) or release it')
      .option('--lab <id>', 'lab id (default: $STACKS_LAB, else "lab")')
      .action(async (device: string, direction: string, opts: { lab?: string }) => {
        const r = await faultDevice(base(opts.lab), device, direction);
        emit(globals(), r, () => `${r.object} ${r.direction} (${r.interfaces.length} interfaces)`);
      });
  },
};
