/**
 * SARIF 2.1.0 output, so code-scanning tools and editors show policy findings against the
 * inventory files: one run, the registered rules as `tool.driver.rules`, each finding a result
 * with its rule, level (hard → error, soft → warning), message, a logical location naming the
 * resource and a physical location in the inventory file (with a line when the caller can tell).
 */
import { relative, isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { PolicyReport } from './run.js';
import type { Severity } from './types.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** A line (and column) inside an inventory file. */
export interface SarifRegion {
  startLine: number;
  startColumn?: number;
}

export interface SarifOptions {
  toolName?: string;
  toolVersion?: string;
  /** Files under this directory get relative URIs against `%SRCROOT%`; others absolute file URIs. */
  baseDir?: string;
  /** The file results without a location of their own point at (the inventory's entry file). */
  defaultFile?: string;
  /** The tool's home page (SARIF `tool.driver.informationUri`). */
  informationUri?: string;
  /** Find the line of a path inside a file (I/O stays with the caller). */
  locate?: (file: string, path: string | undefined) => SarifRegion | undefined;
}

const LEVEL: Record<Severity, Result.level> = { hard: 'error', soft: 'warning' };

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

function artifact(file: string, baseDir: string | undefined): ArtifactLocation {
  if (baseDir) {
    const rel = relative(baseDir, file);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: rel.split(sep).join('/'), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(file).href };
}

export function renderSarif(report: PolicyReport, opts: SarifOptions = {}): Log {
  const rules = report.rules.map(
    (r): ReportingDescriptor => ({
      id: r.id,
      name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      help: { text: r.description },
      defaultConfiguration: { level: LEVEL[r.severity] },
      ...(r.helpUri ? { helpUri: r.helpUri } : {}),
      properties: { severity: r.severity, ...(r.clauses ? { clauses: [...r.clauses] } : {}) },
    }),
  );
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.rules.flatMap((r) =>
    r.findings.map((f): Result => {
      const file = f.location?.file ?? opts.defaultFile;
      const location: Location = {
        logicalLocations: [{ name: f.resource.slice(f.resource.indexOf(':') + 1), fullyQualifiedName: f.resource, kind: 'resource' }],
      };
      if (file) {
        const region = f.location ? opts.locate?.(f.location.file, f.location.path) : undefined;
        location.physicalLocation = { artifactLocation: artifact(file, opts.baseDir), ...(region ? { region } : {}) };
      }
      return {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: LEVEL[f.severity],
        message: { text: `${f.resource}: ${f.message}` },
        locations: [location],
        ...(f.location?.path ? { properties: { inventoryPath: f.location.path } } : {}),
      };
    }),
  );
  const run: Run = {
    tool: {
      driver: {
        name: opts.toolName ?? 'stacks-policy',
        version: opts.toolVersion ?? '0.0.0',
        ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
        rules,
      },
    },
    results,
    columnKind: 'unicodeCodePoints',
  };
  if (opts.baseDir) run.originalUriBaseIds = { '%SRCROOT%': { uri: pathToFileURL(opts.baseDir.endsWith(sep) ? opts.baseDir : opts.baseDir + sep).href } };
  return { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] };
}
