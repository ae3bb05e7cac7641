/**
 * `stacks verify --from DIR`: the configs of a folder exactly as on disk. A hand edit that breaks a
 * line and a config for a device the topology lacks are findings with file:line (text, JSON,
 * SARIF), exit 1, no crash; the untouched folder verifies clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { renderedConfigs } from '../../network/verify/config/index.js';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'v-verify-from-'));
  const topology = buildTopology(await loadInventory());
  mkdirSync(join(dir, 'configs', 'frr'), { recursive: true });
  for (const f of renderedConfigs(topology, 'frr')) writeFileSync(join(dir, 'configs', f.path), f.text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stacks verify --from DIR', () => {
  it('passes on the configs as rendered', async () => {
    const r = await runCli(['verify', '--from', dir, '--dialect', 'frr', '--json'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary.passed).toBe(true);
  });

  it('reports a hand-edited line and an unknown device with file:line, exit 1, SARIF regions', async () => {
    const file = join(dir, 'configs', 'frr', 'xian-r1.conf');
    const text = readFileSync(file, 'utf8').split('\n');
    text.splice(8, 0, ' ip ospff area 0.0.0.0');
    writeFileSync(file, text.join('\n'));
    writeFileSync(join(dir, 'configs', 'frr', 'nowhere-r9.conf'), 'hostname nowhere-r9\n');
    const sarif = join(dir, 'out.sarif');
    const r = await runCli(['verify', '--from', dir, '--dialect', 'frr', '--format', 'sarif', '--output', sarif], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(1);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    const results = log.runs[0].results as Array<{
      ruleId: string;
      locations: Array<{ physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
    }>;
    const unknown = results.find((x) => x.ruleId === 'config.parse.unknown-line')!;
    expect(unknown.locations[0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: 'frr/xian-r1.conf' }, region: { startLine: 9 } });
    expect(results.some((x) => x.ruleId === 'config.config.unknown-device')).toBe(true);
  });
});
