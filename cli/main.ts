/**
 * The `stacks` command line: one module per verb under `commands/`, each registering itself here.
 */
import { Command } from 'commander';
import { globalOptionsFrom, reportError, type GlobalOptions } from './context.js';
import { loadCommands } from './commands/index.js';

export interface CommandModule {
  register(program: Command, globals: () => GlobalOptions): void;
}

/** Global options that take a value: the word after them is not the verb. */
const GLOBAL_WITH_VALUE = new Set(['-i', '--inventory', '--state-dir', '--operator']);

/** The verb on a command line (`stacks --json --state-dir x deploy …` → deploy), if any. */
export function verbOf(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return undefined;
    if (GLOBAL_WITH_VALUE.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('stacks')
    .description('Infrastructure as code and control plane for the e-government extranet, clouds and DR')
    .option('-i, --inventory <dir>', 'inventory folder (default: the embedded Shaanxi inventory)')
    .option('--state-dir <dir>', 'where deployed state, locks and stores live', '.stacks')
    .option('--json', 'machine-readable output on stdout', false)
    .option('-v, --verbose', 'more detail', false)
    .option('--operator <name>', 'who is acting, recorded in the audit trail beside the OS user (env STACKS_OPERATOR)')
    .showHelpAfterError()
    .exitOverride();
  // The audit trail reads the operator from the environment, so any module can record without plumbing.
  program.hook('preAction', () => {
    const operator = program.opts().operator as string | undefined;
    if (operator) process.env.STACKS_OPERATOR = operator;
  });
  const globals = () => globalOptionsFrom(program.opts());
  for (const mod of await loadCommands(verbOf(argv))) mod.register(program, globals);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
