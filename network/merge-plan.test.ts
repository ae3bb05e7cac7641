import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from './topology.js';
import { fixtureTopology } from '../test/support/fixture.js';
import { DIALECTS, DIALECT_IDS } from './render/index.js';
import { PHASES, assertParentFirst, buildMergePlan, type MergePlan, type MergeStep } from './merge-plan.js';
import { renderMergePlanJson, renderMergePlanMarkdown } from './merge-plan-markdown.js';
import { mergeProgress } from './merge-status.js';
import type { Topology } from './types.js';

const topology = fixtureTopology();
const plan = buildMergePlan(topology);
const steps = (p: MergePlan) => p.phases.flatMap((ph) => ph.steps.map((s) => ({ phase: ph.id, step: s })));
const stepOf = (p: MergePlan, site: string, phase?: string): MergeStep => steps(p).find((x) => x.step.site === site && (!phase || x.phase === phase))!.step;

/** No site before its parent: checked independently of assertParentFirst. */
function expectParentsFirst(p: MergePlan): void {
  const first = new Map<string, number>();
  steps(p).forEach(({ step }, i) => first.set(step.site, first.get(step.site) ?? i));
  for (const { step } of steps(p)) if (step.parent) expect(first.get(step.parent)!, `${step.site} after ${step.parent}`).toBeLessThan(first.get(step.site)!);
}

describe('buildMergePlan (fixture)', () => {
  it('runs the phases in order: exit, province core, horizontal, cities, counties, townships', () => {
    expect(plan.phases.map((p) => p.id)).toEqual(PHASES.map((p) => p.id));
    expect(plan.phases.map((p) => p.steps.map((s) => s.site))).toEqual([
      ['shaanxi'],
      ['shaanxi'],
      ['dept.finance'],
      ['xian', 'yulin', 'dc.yulin-dc'],
      ['xian.yanta'],
      ['xian.yanta.t01', 'xian.yanta.t03'],
    ]);
    expectParentsFirst(plan);
  });

  it('unifies the internet exit first: exit routers new, their links, hand-offs, and the cores changed for them', () => {
    const exit = stepOf(plan, 'shaanxi', 'exit');
    expect(exit.devices.filter((d) => d.change === 'new').map((d) => d.device)).toEqual(['shaanxi-exit1', 'shaanxi-exit2']);
    expect(exit.devices.filter((d) => d.change === 'changed').map((d) => d.device)).toEqual(['shaanxi-r1', 'shaanxi-r2']);
    expect(exit.links).toHaveLength(4);
    expect(exit.links.every((l) => l.tier === 'exit')).toBe(true);
    expect(exit.addresses.filter((a) => a.what === 'internet-handoff').map((a) => a.ipv4.to)).toEqual(['198.51.100.1/31', '198.51.100.3/31']);
    // The core's changed lines are exactly the lines of its two exit-facing interfaces.
    const core = exit.devices.find((d) => d.device === 'shaanxi-r1')!;
    for (const id of DIALECT_IDS) {
      const byIface = DIALECTS[id].lineCounts(topology, 'shaanxi-r1').byInterface;
      expect(core.lines[id]).toBe((byIface.ex1 ?? 0) + (byIface.ex2 ?? 0));
      expect(core.lines[id]).toBeGreaterThan(10);
    }
  });

  it('moves a link with the site below it and charges the parent device its interface lines', () => {
    const t01 = stepOf(plan, 'xian.yanta.t01');
    expect(t01.links.map((l) => l.id).sort()).toEqual(
      topology.links
        .filter((l) => l.b.device === 'xian.yanta.t01-r1')
        .map((l) => l.id)
        .sort(),
    );
    expect(t01.devices.map((d) => `${d.device}:${d.change}`)).toEqual(['xian.yanta-r1:changed', 'xian.yanta-r2:changed', 'xian.yanta.t01-r1:new']);
    const own = t01.devices.find((d) => d.change === 'new')!;
    for (const id of DIALECT_IDS) expect(own.lines[id]).toBe(DIALECTS[id].lineCounts(topology, 'xian.yanta.t01-r1').total);
  });

  it('attributes every config line of every device to exactly one step', () => {
    for (const id of DIALECT_IDS) {
      const total = topology.devices.reduce((sum, d) => sum + DIALECTS[id].lineCounts(topology, d.id).total, 0);
      expect(plan.totals.lines[id]).toBe(total);
    }
  });

  it('lists addresses legacy → new per family; IPv6 is always new', () => {
    const xian = stepOf(plan, 'xian');
    const site = topology.sites.find((s) => s.id === 'xian')!;
    const lan = xian.addresses.find((a) => a.what === 'lan')!;
    expect(lan).toEqual({ what: 'lan', owner: 'xian', ipv4: { from: '172.17.0.0/24', to: site.lan.ipv4 }, ipv6: { from: null, to: site.lan.ipv6 } });
    const lo1 = xian.addresses.find((a) => a.what === 'loopback' && a.owner === 'xian-r1')!;
    expect(lo1.ipv4.from).toBe('172.31.1.1/32');
    expect(xian.addresses.find((a) => a.what === 'loopback' && a.owner === 'xian-r2')!.ipv4.from).toBeNull();
    expect(steps(plan).every(({ step }) => step.addresses.every((a) => a.ipv6.from === null))).toBe(true);
  });

  it('says what each site does: readdress on 国网, migrate from 省网, connect when on neither', () => {
    expect(stepOf(plan, 'xian').action).toBe('readdress');
    expect(stepOf(plan, 'xian').retires).toEqual(['shengwang']);
    expect(stepOf(plan, 'yulin').action).toBe('migrate');
    expect(stepOf(plan, 'xian.yanta.t03').action).toBe('connect');
    expect(stepOf(plan, 'dept.finance').retires).toEqual([]);
  });

  it('refuses a plan where a site moves before its parent', () => {
    const broken = structuredClone(plan);
    const cities = broken.phases.find((p) => p.id === 'cities')!;
    const counties = broken.phases.find((p) => p.id === 'counties')!;
    counties.steps.push(cities.steps.shift()!); // xian after xian.yanta
    expect(() => assertParentFirst(broken)).toThrow(/xian\.yanta moves in phase counties before its parent xian/);
  });

  it('renders Markdown and stable JSON', () => {
    const md = renderMergePlanMarkdown(plan, mergeProgress(plan));
    expect(md).toContain('# 两网整合 merge plan: 陕西省 (shaanxi)');
    expect(md).toContain('## Phase 1: exit');
    expect(md).toContain('| 172.17.0.0/24 |');
    expect(md).toContain('0 of 8 sites merged (0.0 %)');
    expect(renderMergePlanJson(plan)).toBe(renderMergePlanJson(buildMergePlan(fixtureTopology())));
    expect(JSON.parse(renderMergePlanJson(plan)).phases).toHaveLength(6);
  });
});

describe('buildMergePlan (default province)', () => {
  let real: Topology;
  let realPlan: MergePlan;
  beforeAll(async () => {
    real = buildTopology(await loadInventory());
    realPlan = buildMergePlan(real);
  });

  it('covers every site, parents first, townships last', () => {
    expectParentsFirst(realPlan);
    expect(realPlan.totals.sites).toBe(real.sites.length);
    expect(realPlan.phases.find((p) => p.id === 'townships')!.steps).toHaveLength(1768);
    expect(realPlan.phases.find((p) => p.id === 'counties')!.steps).toHaveLength(107);
    const cities = realPlan.phases.find((p) => p.id === 'cities')!.steps;
    expect(cities.filter((s) => s.level === 'city')).toHaveLength(11);
    // A data centre hanging on a city moves with the cities, after its city.
    for (const dc of cities.filter((s) => s.level === 'datacenter')) expect(cities.findIndex((s) => s.site === dc.parent)).toBeLessThan(cities.indexOf(dc));
    expect(realPlan.totals.links).toBe(real.links.length);
  });

  it('charges every device line once', () => {
    const total = real.devices.reduce((sum, d) => sum + DIALECTS.frr.lineCounts(real, d.id).total, 0);
    expect(realPlan.totals.lines.frr).toBe(total);
  });
});
