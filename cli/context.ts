/**
 * What every command shares: global options, the logger, output in text or JSON, and the mapping
 * from errors to exit codes (0 ok, 1 policy/verification failed, 2 bad input, 3 runtime failure).
 */
import type { Command } from 'commander';
import { pino, destination, type Logger } from 'pino';
import { resolve } from 'node:path';
import { StacksError, EXIT } from '../lib/errors.js';
import { fileError } from '../lib/files.js';
import { DEFAULT_INVENTORY_DIR } from '../inventory/load.js';

export interface GlobalOptions {
  inventory: string;
  /** Where deployed state, locks, stores and secrets live (default `.stacks/` in the working directory). */
  stateDir: string;
  /** --state-dir as the user wrote it (relative or absolute): synthesized files name it so, never the resolved path. */
  stateDirAsGiven?: string;
  json: boolean;
  verbose: boolean;
}

/** One verb of the CLI: registers itself (options, action) on the program. */
export interface CommandModule {
  register(program: Command, globals: () => GlobalOptions): void;
}

export function globalOptionsFrom(opts: Record<string, unknown>): GlobalOptions {
  return {
    inventory: resolve(String(opts.inventory ?? process.env.STACKS_INVENTORY ?? DEFAULT_INVENTORY_DIR)),
    stateDir: resolve(String(opts.stateDir ?? process.env.STACKS_STATE_DIR ?? '.stacks')),
    stateDirAsGiven: String(opts.stateDir ?? process.env.STACKS_STATE_DIR ?? '.stacks'),
    json: Boolean(opts.json),
    verbose: Boolean(opts.verbose),
  };
}

let logger: Logger | undefined;
/** Structured logs go to stderr so stdout stays clean for results and `--json`. */
export function log(): Logger {
  logger ??= pino(
    {
      level: process.env.STACKS_LOG_LEVEL ?? 'warn',
      redact: { paths: ['*.password', '*.community', '*.authKey', '*.privKey', '*.privateKey', '*.secret'], censor: '[redacted]' },
    },
    destination(2),
  );
  return logger;
}

/** Print a command's result: `json` when asked, else the text rendering. */
export function emit(opts: GlobalOptions, value: unknown, text: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(value, jsonReplacer, 2) + '\n');
  else {
    const out = text();
    if (out) process.stdout.write(out.endsWith('\n') ? out : out + '\n');
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Turn any thrown value into a message on stderr and an exit code. */
export function reportError(err: unknown, json: boolean): number {
  // a disk error anywhere (ENOSPC, EACCES, EROFS…) says which path and what, never a stack trace
  const path = (err as NodeJS.ErrnoException | undefined)?.path;
  if (!(err instanceof StacksError) && path) err = fileError(err, path);
  // What a command managed to produce before it broke (a drill's stored report) goes beside the error.
  const produced = (err as { produced?: Record<string, unknown> } | undefined)?.produced ?? {};
  if (err instanceof StacksError) {
    if (json) process.stdout.write(JSON.stringify({ error: err.toJSON(), ...produced }, null, 2) + '\n');
    process.stderr.write(`error: ${err.describe()}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  if (json) process.stdout.write(JSON.stringify({ error: { code: 'E_RUNTIME', kind: 'runtime', message: String(err) }, ...produced }, null, 2) + '\n');
  process.stderr.write(`error: ${message}\n`);
  return EXIT.runtime;
}
