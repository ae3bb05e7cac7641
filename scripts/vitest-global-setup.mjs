// Regenerate the OpenStack cdktf bindings (stacks/gen/, git-ignored) before any test runs, so that
// `npm test` / `npx vitest run` work from a clean clone without a build first.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup() {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(process.execPath, [join(root, 'scripts/gen-openstack-bindings.mjs'), '--quiet'], { stdio: 'inherit' });
}
