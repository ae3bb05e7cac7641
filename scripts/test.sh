#!/usr/bin/env bash
# The full test suite: install what is missing, build, run every test (real FRR, snmpd, sshd,
# Prometheus, PostgreSQL where the product talks to them), and close with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
# formatter, linter, type check and import circles first: a failing habit fails fast
bash scripts/check.sh
report=$(mktemp -t stacks-vitest-XXXXXX.json)
trap 'rm -f "$report"' EXIT
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node scripts/test-summary.mjs "$report" || status=$?
exit $status
