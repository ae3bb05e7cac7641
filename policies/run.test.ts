import { describe, expect, it } from 'vitest';
import { PolicyRegistry } from './registry.js';
import { runPolicies } from './run.js';
import { renderPolicyText } from './render.js';
import { renderSarif, SARIF_SCHEMA } from './sarif.js';
import { definePolicy } from './types.js';
import { loadInventory } from '../inventory/load.js';
import { sourceLocator } from './source-lines.js';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';

const perSite = definePolicy({
  id: 'TST-001',
  title: 'every site has a name',
  severity: 'hard',
  description: 'test rule',
  requires: ['topology'],
  check: ({ topology }) => topology.sites.filter((s) => !s.name).map((s) => ({ resource: `site:${s.id}`, message: 'no name' })),
});
const soft = definePolicy({
  id: 'TST-002',
  title: 'warn about the inventory',
  severity: 'soft',
  description: 'test rule',
  requires: ['inventory'],
  check: ({ inventory }) => [
    {
      resource: `province:${inventory.province.province.id}`,
      message: 'just a warning',
      location: { file: inventory.paths.private_networks!, path: 'private_networks[2].status' },
    },
  ],
});

describe('policy registry and runner', () => {
  it('refuses duplicate and malformed ids', () => {
    const r = new PolicyRegistry().register(perSite);
    expect(() => r.register(perSite)).toThrow(/twice/);
    expect(() => r.register({ ...soft, id: 'bad' })).toThrow(/NET-001/);
  });

  it('skips a rule whose input is missing, and builds inputs through providers only when needed', async () => {
    const inventory = await loadInventory();
    let built = 0;
    const registry = new PolicyRegistry().register(perSite, soft).provide('topology', () => {
      built++;
      return { province: { id: 'x', name: 'x' }, sites: [{ id: 'a', name: '' }], devices: [], links: [], tiers: [], exit: {}, supernets: {} } as never;
    });
    const withoutTopology = runPolicies(registry.all(), { inventory });
    expect(withoutTopology.rules.map((r) => r.status)).toEqual(['skipped', 'failed']);
    expect(withoutTopology.summary.passedHard).toBe(true); // a soft finding does not fail the run

    const onlySoft = await registry.inputsFor(inventory, [soft]);
    expect(built).toBe(0);
    expect(onlySoft.topology).toBeUndefined();
    const inputs = await registry.inputsFor(inventory, registry.all());
    expect(built).toBe(1);
    const given = await registry.inputsFor(inventory, registry.all(), { topology: inputs.topology });
    expect(built).toBe(1); // a given input is not built again
    const report = runPolicies(registry.all(), given);
    expect(report.rules.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(report.summary).toMatchObject({ hardFindings: 1, softFindings: 1, passedHard: false });
    expect(renderPolicyText(report)).toMatch(/FAIL {2}TST-001 \(hard\)[\s\S]*WARN {2}TST-002[\s\S]*policy FAILED/);
  });

  it('renders SARIF 2.1.0 with rules, levels, messages and inventory locations with lines', async () => {
    const inventory = await loadInventory();
    const registry = new PolicyRegistry().register(perSite, soft);
    const report = runPolicies(registry.all(), { inventory, topology: { sites: [{ id: 'a', name: '' }] } as never });
    const base = dirname(inventory.dir);
    const sarif = renderSarif(report, { baseDir: base, defaultFile: inventory.paths.province, locate: sourceLocator(), toolVersion: '1.2.3' }) as any;
    expect(sarif.$schema).toBe(SARIF_SCHEMA);
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level])).toEqual([
      ['TST-001', 'error'],
      ['TST-002', 'warning'],
    ]);
    expect(run.results.map((r: any) => [r.ruleId, r.level, r.message.text])).toEqual([
      ['TST-001', 'error', 'site:a: no name'],
      ['TST-002', 'warning', 'province:shaanxi: just a warning'],
    ]);
    for (const r of run.results) {
      expect(r.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^(site|province):/);
      expect(r.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    }
    // no location of its own: the inventory entry file; with a path: the file and the line of that path
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('inventory/province.yaml');
    const located = run.results[1].locations[0].physicalLocation;
    expect(located.artifactLocation.uri).toBe('inventory/private-networks.yaml');
    const line = readFileSync(inventory.paths.private_networks!, 'utf8').split('\n')[located.region.startLine - 1];
    expect(line).toContain('civil-affairs-net'); // private_networks[2] is on that line
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/$/);
  });
});
