/**
 * `stacks verify` with both dialects runs each dialect's config verification in its own worker
 * thread (cli/commands/verify-threads.ts): the report is the one a single thread computes, findings
 * included — here on a folder whose FRR xian-r1 no longer advertises its provider network in OSPF
 * (every Xi'an township loses its city portal), beside clean VRP configs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { verifyTopology } from '../../network/verify/index.js';
import { combineReports, renderedConfigs, verifyConfigs, type RenderedConfigFile } from '../../network/verify/config/index.js';
import { DIALECT_IDS } from '../../network/render/index.js';
import type { Topology } from '../../network/types.js';
import { runCli } from '../support/cli.js';

let dir: string;
let topology: Topology;
const files = new Map<string, RenderedConfigFile[]>();

/** xian-r1's provider-network stanza without its OSPF area lines (FRR). */
function unadvertised(text: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf('interface cl0p');
  let end = start + 1;
  while (end < lines.length && lines[end]!.startsWith(' ')) end++;
  const out = [...lines.slice(0, start + 1), ...lines.slice(start + 1, end).filter((l) => !/^ (ip ospf area|ipv6 ospf6 area)/.test(l)), ...lines.slice(end)];
  expect(out.length).toBeLessThan(lines.length);
  return out.join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'v-verify-threads-'));
  topology = buildTopology(await loadInventory());
  for (const dialect of DIALECT_IDS) {
    mkdirSync(join(dir, 'configs', dialect), { recursive: true });
    const list = renderedConfigs(topology, dialect).map((f) => (dialect === 'frr' && f.device === 'xian-r1' ? { ...f, text: unadvertised(f.text) } : f));
    for (const f of list) writeFileSync(join(dir, 'configs', f.path), f.text);
    files.set(dialect, list);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stacks verify: the dialects in parallel threads', () => {
  it('gives the report of one thread, findings and all', async () => {
    const r = await runCli(['verify', '--from', dir, '--json'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr).toBe(1);
    const inThread = combineReports(
      verifyTopology(topology),
      DIALECT_IDS.map((d) => verifyConfigs(topology, files.get(d)!, { failures: false, checkPrefix: `config.${d}.` }).report),
    );
    const report = JSON.parse(r.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === 'config.frr.reach.services').passed).toBe(false);
    expect(report.checks.find((c: { id: string }) => c.id === 'config.vrp.reach.services').passed).toBe(true);
    expect(report).toEqual(JSON.parse(JSON.stringify(inThread)));
  });
});
