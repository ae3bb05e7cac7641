/**
 * The `stacks` command line: one module per verb under `commands/`, each registering itself here.
 */
import { Command } from 'commander';
import { globalOptionsFrom, reportError, type GlobalOptions } from './context.js';
import { COMMANDS } from './commands/index.js';

export interface CommandModule {
  register(program: Command, globals: () => GlobalOptions): void;
}

export function buildProgram(): Command {
  const program = new Command('stacks')
    .description('Infrastructure as code and control plane for the e-government extranet, clouds and DR')
    .option('-i, --inventory <dir>', 'inventory folder (default: the embedded Shaanxi inventory)')
    .option('--state-dir <dir>', 'where deployed state, locks and stores live', '.stacks')
    .option('--json', 'machine-readable output on stdout', false)
    .option('-v, --verbose', 'more detail', false)
    .showHelpAfterError()
    .exitOverride();
  const globals = () => globalOptionsFrom(program.opts());
  for (const mod of COMMANDS) mod.register(program, globals);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // help and version exit 0; usage errors are bad input
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
    }
    return reportError(err, program.opts().json === true || argv.includes('--json'));
  }
}
