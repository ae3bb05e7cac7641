/**
 * Verification findings as SARIF 2.1.0 (like policies/sarif.ts does for policies): one rule per
 * failed check id, one result per failure, its first config line as the location with a
 * `startLine` region and the other end of an adjacency as a related location. Paths stay as the
 * caller gave them (relative to the synth output, `%SRCROOT%`), so the file is the same everywhere.
 */
import type { Location, Log, ReportingDescriptor, Result } from 'sarif';
/** The same schema URI as policies/sarif.ts (not imported: that module resolves paths with node:path). */
const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
import type { VerificationReport } from '../report.js';

export interface VerificationSarifOptions {
  toolName?: string;
  toolVersion?: string;
}

function physical(loc: { file: string; line: number }): Location {
  const absolute = loc.file.startsWith('/');
  return {
    physicalLocation: {
      artifactLocation: absolute ? { uri: `file://${encodeURI(loc.file)}` } : { uri: loc.file, uriBaseId: '%SRCROOT%' },
      region: { startLine: Math.max(1, loc.line) },
    },
  };
}

export function renderVerificationSarif(report: VerificationReport, opts: VerificationSarifOptions = {}): Log {
  const failed = report.checks.filter((c) => !c.passed);
  const ruleIds = [...new Set(failed.map((c) => c.id))];
  const rules: ReportingDescriptor[] = ruleIds.map((id) => {
    const title = failed.find((c) => c.id === id)!.title;
    return { id, shortDescription: { text: title }, fullDescription: { text: title }, defaultConfiguration: { level: 'error' } };
  });
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const results: Result[] = failed.flatMap((c) =>
    c.failures.map((f): Result => {
      const [first, ...rest] = f.locations ?? [];
      return {
        ruleId: c.id,
        ruleIndex: index.get(c.id),
        level: 'error',
        message: { text: `${c.family ? `[${c.family === 'ipv4' ? 'IPv4' : 'IPv6'}] ` : ''}${f.object}: ${f.message}` },
        locations: first
          ? [{ ...physical(first), logicalLocations: [{ fullyQualifiedName: f.object, kind: 'resource' }] }]
          : [{ logicalLocations: [{ fullyQualifiedName: f.object, kind: 'resource' }] }],
        ...(rest.length ? { relatedLocations: rest.map((l, i) => ({ id: i + 1, ...physical(l) })) } : {}),
      };
    }),
  );
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      { tool: { driver: { name: opts.toolName ?? 'stacks-verify', version: opts.toolVersion ?? '0.1.0', rules } }, results, columnKind: 'unicodeCodePoints' },
    ],
  };
}
