/**
 * What `terraform init` leaves in a stack folder and a re-synth must not lose: the provider lock
 * file (`.terraform.lock.hcl`, reviewed and committed by teams) and `.terraform/` (downloaded
 * providers, the backend's init state). Synth builds a fresh tree and swaps it in; before the
 * swap these move from the old stack folders into the new ones (a rename: same file system).
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const TERRAFORM_KEPT = ['.terraform.lock.hcl', '.terraform'] as const;

/** Move the kept files of every stack in `fromStacks` that also exists in `toStacks`; returns what moved. */
export function keepTerraformFiles(fromStacks: string, toStacks: string): string[] {
  if (!existsSync(fromStacks) || !existsSync(toStacks)) return [];
  const moved: string[] = [];
  for (const stack of readdirSync(fromStacks)) {
    const target = join(toStacks, stack);
    if (!existsSync(target)) continue; // a stack no longer synthesized takes its files with it
    for (const name of TERRAFORM_KEPT) {
      const src = join(fromStacks, stack, name);
      const dst = join(target, name);
      if (existsSync(src) && !existsSync(dst)) {
        renameSync(src, dst);
        moved.push(join(stack, name));
      }
    }
  }
  return moved;
}
