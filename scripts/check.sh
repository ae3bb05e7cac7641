#!/usr/bin/env bash
# The code's own habits, checked before the tests (scripts/test.sh runs this first):
# the type check, Biome's linter and formatter check (one tool, one pinned version: Biome formats
# and lints TypeScript in one native pass, ~2 s of CPU for the tree, where Prettier + ESLint with
# typescript-eslint take tens of seconds), and no runtime import circles (dpdm; type-only imports,
# which the build erases, are not circles), and nothing dead (knip: unused files, exports, exported
# types and dependencies; entry points are the CLI, the Pulumi program, the drill's writer, the
# benches, the scripts and every test; system binaries come from scripts/system-packages.txt, which
# knip cannot see, so that check is off; dpdm is called from this script and @grafana/schema read by the compiler in a test, which knip does not see; the NOC page's browser scripts are entries too).
# Each part prints its wall time: issue 16 holds the lint + format check to ≤ 30 s on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s%N)
took() { echo "check: $1 took $((($(date +%s%N) - $2) / 1000000)) ms${3:-}"; }
echo "check: tsc --noEmit"
t=$(date +%s%N)
npx tsc -p tsconfig.json --noEmit
took "tsc --noEmit" "$t"
echo "check: biome lint + format"
t=$(date +%s%N)
npx biome ci --reporter=summary .
took "biome lint + format" "$t" " (target ≤ 30000 ms)"
echo "check: import circles (dpdm)"
t=$(date +%s%N)
npx dpdm --no-warning --no-tree -T --exit-code circular:1 --transform \
  'bin/*.ts' 'cli/**/*.ts' 'stacks/**/*.ts' 'migrations/**/*.ts' 'monitors/**/*.ts' 'network/**/*.ts' \
  'cloud/**/*.ts' 'lab/**/*.ts' 'drivers/**/*.ts' 'targets/**/*.ts' 'audit/**/*.ts' 'dr/**/*.ts' 'policies/**/*.ts' 'lib/**/*.ts' 'inventory/**/*.ts'
took "dpdm" "$t"
echo "check: unused files, exports and dependencies (knip)"
t=$(date +%s%N)
npx knip --no-progress --cache --exclude binaries || { echo "check: knip found unused code: delete it, or drop the 'export' of what only its own file uses"; exit 1; }
took "knip" "$t"
took "all checks" "$started"
