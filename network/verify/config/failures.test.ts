/**
 * The single-failure questions' fast path (questions.ts: incremental SPF, only the devices a failure
 * can change walked again) against the straightforward recomputation (a fresh control plane and
 * every device walked, per scenario): the same findings, word for word, on the lab's default scope
 * of the province in both dialects and families — as rendered, and mutated so that failures do
 * lose traffic (a renderer bug that breaks a failure case must still be caught by the fast path).
 * The service questions (service-questions.ts) are compared the same way, against every township
 * and VIP asked over a fresh control plane per scenario.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { defaultScopeDefaults, parseScope, selectScope } from '../../../lab/scope.js';
import { DIALECTS, type DialectId } from '../../render/index.js';
import { buildTopology } from '../../topology.js';
import type { Topology } from '../../types.js';
import { type RenderedConfigFile, verifyConfigs } from './index.js';

let topology: Topology;
let full: Topology;

beforeAll(async () => {
  full = buildTopology(await loadInventory());
  const scoped = selectScope(full, parseScope(undefined, defaultScopeDefaults(full, [])));
  topology = { ...full, sites: scoped.sites, devices: scoped.devices, links: scoped.links };
});

function rendered(dialect: DialectId): RenderedConfigFile[] {
  const d = DIALECTS[dialect];
  return topology.devices.map((device) => ({
    device: device.id,
    dialect,
    path: `${dialect}/${device.id}.${d.fileExtension}`,
    text: d.render(full, device.id),
  }));
}

function edit(files: RenderedConfigFile[], device: string, change: (text: string) => string): RenderedConfigFile[] {
  return files.map((f) => {
    if (f.device !== device) return f;
    const text = change(f.text);
    expect(text, `the mutation of ${device} changed nothing`).not.toBe(f.text);
    return { ...f, text };
  });
}

function bothWays(files: RenderedConfigFile[]) {
  const fast = verifyConfigs(topology, files);
  const straight = verifyConfigs(topology, files, { failureMethod: 'straight' });
  expect(fast.scenarios).toEqual(straight.scenarios);
  expect(fast.scenarios.ipv4).toBeGreaterThan(topology.links.length);
  expect(fast.findings).toEqual(straight.findings);
  return fast.findings;
}

const townships = () => topology.devices.filter((d) => topology.sites.find((s) => s.id === d.site)?.level === 'township');
const failureIds = (findings: Array<{ id: string; family?: string }>) =>
  [...new Set(findings.filter((f) => f.id.startsWith('failure.')).map((f) => `${f.id} ${f.family}`))].sort();

/** One OSPF interface made passive, per dialect (FRR: in the stanza; VRP: silent-interface in the process). */
const passive: Record<DialectId, (text: string, port: string) => string> = {
  frr: (text, port) => text.replace(new RegExp(`^interface ${port}\\n`, 'm'), `interface ${port}\n ip ospf passive\n`),
  vrp: (text, port) => text.replace(/^( bandwidth-reference \d+)$(?![\s\S]*^ bandwidth-reference)/m, ` silent-interface ${port}\n$1`),
};
const always: Record<DialectId, (text: string) => string> = {
  frr: (text) => text.replace(/^ default-information originate metric/gm, ' default-information originate always metric'),
  vrp: (text) => text.replace(/^ default-route-advertise cost/gm, ' default-route-advertise always cost'),
};

for (const dialect of ['frr', 'vrp'] as const) {
  describe(`${dialect}: single failures, incremental = straight`, () => {
    const port = (device: string, model: string) => DIALECTS[dialect].interfaceName(topology.devices.find((d) => d.id === device)!, model);

    it('as rendered: no failure loses anything', () => {
      expect(bothWays(rendered(dialect))).toEqual([]);
    });

    it('a township single-homed (its second uplink passive): losing the other uplink or its county router cuts it off', () => {
      const t = townships()[0]!.id;
      const findings = bothWays(edit(rendered(dialect), t, (text) => passive[dialect](text, port(t, 'up1'))));
      expect(failureIds(findings)).toEqual(expect.arrayContaining(['failure.device ipv4', 'failure.link ipv4']));
      expect(findings.find((f) => f.id === 'failure.link')!.message).toContain(t);
    });

    it('every township single-homed: many failures lose many devices, with the same messages', () => {
      let files = rendered(dialect);
      for (const t of townships()) files = edit(files, t.id, (text) => passive[dialect](text, port(t.id, 'up1')));
      const findings = bothWays(files);
      expect(findings.filter((f) => f.id === 'failure.link').length).toBeGreaterThanOrEqual(townships().length);
      // the service questions' shortcut (only townships through a device whose table changed) is compared too
      expect(findings.filter((f) => f.id === 'failure.services').length).toBeGreaterThan(0);
    });

    it('both exits originating the default always: losing an upstream loops traffic', () => {
      let files = rendered(dialect);
      for (const e of topology.devices.filter((d) => d.role === 'exit')) files = edit(files, e.id, always[dialect]);
      const findings = bothWays(files);
      expect(failureIds(findings)).toEqual(expect.arrayContaining(['failure.upstream ipv4', 'failure.upstream ipv6']));
      expect(findings.map((f) => f.id)).toContain('forwarding.loop');
    });
  });
}
