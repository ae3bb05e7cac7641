/**
 * Drill reports kept durably: one JSON and one text file per drill under `<state dir>/dr/reports/`,
 * written atomically. JSON files and not SQLite: a report is written once and read whole, a person
 * auditing a game day wants to open it, and the directory listing is the index.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE, writeFileAtomically } from '../lib/files.js';
import { inputError } from '../lib/errors.js';
import { renderReportText, type DrillReport } from './report.js';

const reportsDir = (stateDir: string) => join(stateDir, 'dr', 'reports');

export async function saveReport(stateDir: string, r: DrillReport): Promise<{ json: string; text: string }> {
  const base = join(reportsDir(stateDir), r.id);
  await writeFileAtomically(`${base}.json`, JSON.stringify(r, null, 2) + '\n', PRIVATE);
  await writeFileAtomically(`${base}.txt`, renderReportText(r) + '\n', PRIVATE);
  return { json: `${base}.json`, text: `${base}.txt` };
}

export async function listReports(stateDir: string): Promise<DrillReport[]> {
  const dir = reportsDir(stateDir);
  if (!existsSync(dir)) return [];
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as DrillReport));
}

export async function readReport(stateDir: string, id: string): Promise<DrillReport> {
  const f = join(reportsDir(stateDir), `${id}.json`);
  if (!/^[\w.-]+$/.test(id) || !existsSync(f))
    throw inputError('E_DR_REPORT', reportsDir(stateDir), id, `no drill report "${id}"`, 'list them with `stacks dr reports`');
  return JSON.parse(await readFile(f, 'utf8')) as DrillReport;
}

/** `20261129T061500Z-production-loss`: sortable, unique per second and scenario. */
export function reportId(startedMs: number, scenario: string): string {
  return `${new Date(startedMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${scenario}`;
}
