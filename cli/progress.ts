/**
 * Progress of a long command on stderr, only when a person watches (stderr is a terminal and the
 * output is not --json): piped or in CI the command stays quiet, as Terraform's does.
 */
import type { GlobalOptions } from './context.js';

export interface Progress {
  step(what: string): void;
  done(): void;
}

export function progressOnTty(g: GlobalOptions, command: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (g.json || !stream.isTTY) return { step() {}, done() {} };
  const started = performance.now();
  let open = false;
  return {
    step(what) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      // one line, rewritten in place: the summary on stdout is what stays on the screen
      stream.write(`\r\x1b[2K${command}: ${what} (${seconds} s)`);
      open = true;
    },
    done() {
      if (open) stream.write('\r\x1b[2K');
      open = false;
    },
  };
}
