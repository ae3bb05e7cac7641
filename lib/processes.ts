import { readdirSync, readFileSync } from 'node:fs';

/** Pids of processes whose command line names `label` (a lab or service directory): how cleanup finds what we started, even after a crash. */
export function processesNaming(label: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(label)) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
