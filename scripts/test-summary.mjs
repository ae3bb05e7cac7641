#!/usr/bin/env node
// Reads vitest's JSON report and prints the closing line CI reads: "tests: N passed, N failed, N skipped".
// As root in CI a skipped test is a failure: tests of real components must run there.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`test-summary: no vitest report at ${file}: ${err.message}`);
  process.exit(3);
}
const passed = report.numPassedTests ?? 0;
// A file that fails to load has no test results of its own: count it once, so it is never silent.
const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).length).length;
const failed = (report.numFailedTests ?? 0) + brokenFiles;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const skippedNames = [];
for (const suite of report.testResults ?? []) {
  for (const t of suite.assertionResults ?? [])
    if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skippedNames.push(`${suite.name}: ${t.fullName}`);
}
const ciAsRoot = process.env.CI === 'true' && process.getuid?.() === 0;
if (ciAsRoot && skipped > 0) {
  console.error(`test-summary: ${skipped} tests skipped in CI as root, which counts as failure:\n  ${skippedNames.join('\n  ')}`);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 || (ciAsRoot && skipped > 0) ? 1 : 0);
