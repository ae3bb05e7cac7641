/**
 * CSV import of the system inventory (csv-parse): one system per row, a header naming the columns of
 * CSV_COLUMNS. Rows become the same raw objects a YAML file holds, so one zod schema checks both;
 * errors name the CSV line and column.
 */
import { parse } from 'csv-parse/sync';
import { CsvError } from 'csv-parse/sync';
import { StacksError, inputError } from '../lib/errors.js';
import { CSV_COLUMNS } from './schema.js';
import type { RawRow } from './load.js';

const REQUIRED = ['id', 'department', 'level', 'classification', 'location_kind', 'location_site', 'data_gib', 'protection_class'] as const;
const NUMERIC = new Set(['data_gib', 'vcpu', 'ram_gib']);

interface Parsed {
  record: Record<string, string>;
  info: { lines: number };
}

export function parseSystemsCsv(file: string, text: string): RawRow[] {
  let parsed: Parsed[];
  try {
    parsed = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true }) as unknown as Parsed[];
  } catch (cause) {
    const line = cause instanceof CsvError ? (cause as CsvError & { lines?: number }).lines : undefined;
    throw new StacksError({ code: 'E_PARSE', file, path: line ? `line ${line}` : undefined, message: `not valid CSV: ${(cause as Error).message}`, cause });
  }
  const header = text
    .split(/\r?\n/, 1)[0]!
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((c) => c.trim());
  const unknown = header.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length) throw inputError('E_SYSTEMS', file, 'line 1', `unknown column(s) ${unknown.join(', ')}`, `columns: ${CSV_COLUMNS.join(',')}`);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw inputError('E_SYSTEMS', file, 'line 1', `missing column(s) ${missing.join(', ')}`, `columns: ${CSV_COLUMNS.join(',')}`);

  return parsed.map(({ record, info }) => {
    const line = info.lines;
    return { value: toRaw(record), where: `line ${line}`, field: (path) => `line ${line}, column ${columnOf(path)}` };
  });
}

function toRaw(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === '') continue;
    if (key === 'location_kind' || key === 'location_site') continue;
    if (key === 'depends_on')
      out.depends_on = value
        .split(';')
        .map((d) => d.trim())
        .filter(Boolean);
    else if (NUMERIC.has(key)) out[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    else out[key] = value;
  }
  out.location = { kind: record.location_kind || undefined, site: record.location_site || undefined };
  return out;
}

function columnOf(path: readonly PropertyKey[]): string {
  if (path[0] === 'location') return `location_${String(path[1] ?? 'kind')}`;
  return String(path[0] ?? '(row)');
}
