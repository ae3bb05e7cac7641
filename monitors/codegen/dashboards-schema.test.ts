/**
 * The generated dashboards type-check against Grafana's own schema types, `@grafana/schema`
 * (pinned in package.json, 13.x): each dashboard as a `Dashboard`, and each panel's options and
 * custom field config as its panel plugin's `Options` / `FieldConfig` (stat, table, timeseries) —
 * object literals, so TypeScript's excess-property check refuses any field the schema does not
 * have. The check is the TypeScript compiler itself, on an in-memory file beside this one.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cityDrilldown, provinceOverview, type DashboardFigures } from './dashboards.js';

const here = dirname(fileURLToPath(import.meta.url));
const figures: DashboardFigures = { floor: 0.95, objective: 0.99, atRiskSeconds: 2 * 3600, fixWindowSeconds: 3 * 3600 };
const PLUGINS: Record<string, string> = {
  stat: '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen',
  table: '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen',
  timeseries: '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen',
};

interface PanelJson {
  type?: string;
  options?: unknown;
  fieldConfig?: { defaults?: { custom?: unknown } };
  panels?: PanelJson[];
}

/** A TypeScript module that assigns every dashboard, panel option set and custom field config to its schema type. */
function checkSource(dashboards: Record<string, unknown>): string {
  const lines = [
    `import type { Dashboard } from '@grafana/schema';`,
    // The schema's enums are TypeScript enums, which a JSON string never is: check the JSON shape
    // with each string enum replaced by the union of its values (\`\${Enum}\`), all else as declared.
    'type Json<T> = T extends string ? `${T}` : T extends number | boolean | null | undefined ? T : T extends readonly (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T]: Json<T[K]> } : T;',
  ];
  for (const [plugin, mod] of Object.entries(PLUGINS)) lines.push(`import type * as ${plugin} from '${mod}';`);
  for (const [name, d] of Object.entries(dashboards)) {
    lines.push(`export const ${name}: Json<Dashboard> = ${JSON.stringify(d)};`);
    const panels = ((d as { panels?: PanelJson[] }).panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
    panels.forEach((p, i) => {
      if (!p.type || p.type === 'row') return;
      if (!PLUGINS[p.type]) throw new Error(`${name} panel ${i}: no schema for panel type ${p.type}`);
      if (p.options !== undefined) lines.push(`export const ${name}_${i}_options: Json<${p.type}.Options> = ${JSON.stringify(p.options)};`);
      if (p.fieldConfig?.defaults?.custom !== undefined)
        lines.push(`export const ${name}_${i}_custom: Json<${p.type}.FieldConfig> = ${JSON.stringify(p.fieldConfig.defaults.custom)};`);
    });
  }
  return lines.join('\n') + '\n';
}

/** Type errors per in-memory module (one compiler run for all of them: it is the slow part). */
function typeErrors(sources: Record<string, string>): Record<string, string[]> {
  const files = new Map(Object.entries(sources).map(([name, text]) => [join(here, `__dashboards_schema_${name}__.ts`), { name, text }]));
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(f)?.text ?? read(f);
  host.fileExists = (f) => files.has(f) || exists(f);
  host.getSourceFile = (f, v, ...rest) => {
    const mem = files.get(f);
    return mem ? ts.createSourceFile(f, mem.text, v) : getSource(f, v, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const out: Record<string, string[]> = Object.fromEntries(Object.keys(sources).map((n) => [n, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const name = d.file ? (files.get(d.file.fileName)?.name ?? '(other)') : '(global)';
    const where = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    (out[name] ??= []).push(where + ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  return out;
}

describe('dashboards against @grafana/schema', () => {
  it('type-check: dashboards, variables, panel options and field config; and the check can fail', { timeout: 60_000 }, () => {
    const generated = checkSource({ overview: provinceOverview('Shaanxi', figures), city: cityDrilldown('Shaanxi') });
    expect(generated).toContain('table.Options');
    // the same dashboard with a field the schema does not have: the check must refuse it
    const d = provinceOverview('Shaanxi', figures) as unknown as { panels: PanelJson[] };
    const stat = d.panels.find((p) => p.type === 'stat')!;
    stat.options = { ...(stat.options as object), footer: { show: true } };
    const errors = typeErrors({ generated, broken: checkSource({ broken: d }) });
    expect(errors.generated).toEqual([]);
    expect(errors['(other)'] ?? []).toEqual([]);
    expect(errors['(global)'] ?? []).toEqual([]);
    expect(errors.broken!.join('\n')).toMatch(/'"?footer"?' does not exist/);
  });
});
