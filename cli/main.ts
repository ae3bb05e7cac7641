/**
 * The `stacks` command line: one module per verb under `commands/`, each registering itself here.
 */
import { Command } from 'commander';
import { globalOptionsFrom, reportError } from './context.js';
import { loadCommands } from './commands/index.js';
import { parseDuration, setDefaultLockTimeout } from '../lib/lock.js';
import { DEFAULT_MAX_INPUT_BYTES, parseSize, setMaxInputBytes } from '../lib/files.js';
import { VERSION } from './version.js';

/** Kept for commands written against the old location; the type lives in context.ts (no import circle). */
export type { CommandModule } from './context.js';

/** Global options that take a value: the word after them is not the verb. */
const GLOBAL_WITH_VALUE = new Set(['-i', '--inventory', '--state-dir', '--lock-timeout', '--max-input-size', '--operator']);

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

async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('stacks')
    .description('Infrastructure as code and control plane for the e-government extranet, clouds and DR')
    .option('-i, --inventory <dir>', 'inventory folder (default: the embedded Shaanxi inventory)')
    .option('--state-dir <dir>', 'where deployed state, locks and stores live', '.stacks')
    .option('--json', 'machine-readable output on stdout', false)
    .option('-v, --verbose', 'more detail', false)
    .option('--lock-timeout <duration>', 'wait this long for a busy lock (synth, plan --accept, the lab, migration waves), e.g. 30s, 2m', '0')
    .option('--max-input-size <size>', `refuse input files larger than this (default ${DEFAULT_MAX_INPUT_BYTES / 1024 / 1024}M)`)
    .option('--operator <name>', 'who is acting, recorded in the audit trail beside the OS user (env STACKS_OPERATOR)')
    .option('--version', 'print the version and exit')
    .showHelpAfterError()
    .exitOverride();
  // Under --json a usage error is JSON on stdout (main prints it); commander's text would be noise.
  if (argv.includes('--json')) program.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  // The audit trail reads the operator from the environment, so any module can record without plumbing.
  program.hook('preAction', () => {
    const operator = program.opts().operator as string | undefined;
    if (operator) process.env.STACKS_OPERATOR = operator;
  });
  const globals = () => globalOptionsFrom(program.opts());
  program.hook('preAction', () => {
    const o = program.opts();
    setDefaultLockTimeout(parseDuration(String(o.lockTimeout ?? '0')));
    if (o.maxInputSize !== undefined) setMaxInputBytes(parseSize(String(o.maxInputSize)));
  });
  for (const mod of await loadCommands(verbOf(argv))) mod.register(program, globals);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  // `plan --detailed-exitcode` says "changes" with 2, so there (as in terraform) every error is 1
  const failed = (code: number) => (code !== 0 && verbOf(argv) === 'plan' && argv.includes('--detailed-exitcode') ? 1 : code);
  if (verbOf(argv) === undefined && argv.includes('--version')) {
    const v = { stacks: VERSION, node: process.version, platform: `${process.platform}_${process.arch}` };
    process.stdout.write(json ? JSON.stringify(v, null, 2) + '\n' : `stacks v${v.stacks}\non node ${v.node} ${v.platform}\n`);
    return 0;
  }
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // help and version exit 0; usage errors are bad input
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      if (json)
        process.stdout.write(
          JSON.stringify({ error: { code: 'E_USAGE', kind: 'input', commander: e.code, message: String(e.message ?? '').replace(/^error: /, '') } }, null, 2) +
            '\n',
        );
      return failed(2);
    }
    return failed(reportError(err, program.opts().json === true || json));
  }
}
