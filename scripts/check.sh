#!/usr/bin/env bash
# The code's own habits, checked before the tests (scripts/test.sh runs this first):
# the type check, Biome's linter and formatter check (one tool, one pinned version: Biome formats
# and lints TypeScript in one native pass, ~2 s of CPU for the tree, where Prettier + ESLint with
# typescript-eslint take tens of seconds), and no runtime import circles (dpdm; type-only imports,
# which the build erases, are not circles).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "check: tsc --noEmit"
npx tsc -p tsconfig.json --noEmit
echo "check: biome lint + format"
npx biome ci --reporter=summary .
echo "check: import circles (dpdm)"
npx dpdm --no-warning --no-tree -T --exit-code circular:1 --transform \
  'bin/*.ts' 'cli/**/*.ts' 'stacks/**/*.ts' 'migrations/**/*.ts' 'monitors/**/*.ts' 'network/**/*.ts' \
  'cloud/**/*.ts' 'lab/**/*.ts' 'drivers/**/*.ts' 'targets/**/*.ts' 'audit/**/*.ts' 'dr/**/*.ts' 'policies/**/*.ts' 'lib/**/*.ts' 'inventory/**/*.ts'
