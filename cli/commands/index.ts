import type { CommandModule } from '../main.js';

/** Every verb, in the order `stacks --help` lists them. */
export const COMMANDS: CommandModule[] = [];
