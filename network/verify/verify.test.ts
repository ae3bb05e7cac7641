import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../topology.js';
import type { Family, Topology } from '../types.js';
import { renderVerificationJson, renderVerificationText, verifyTopology, type VerificationReport } from './index.js';

let base: Topology;
beforeAll(async () => {
  base = buildTopology(await loadInventory());
});

const fresh = (): Topology => structuredClone(base);
const check = (r: VerificationReport, id: string, family?: Family) => {
  const c = r.checks.find((x) => x.id === id && x.family === family);
  if (!c) throw new Error(`no check ${id} ${family ?? ''}`);
  return c;
};
const failedIds = (r: VerificationReport) =>
  r.checks
    .filter((c) => !c.passed)
    .map((c) => `${c.id}${c.family ? `/${c.family}` : ''}`)
    .sort();

/** Drop a link from the model, with the interfaces that terminate it. */
function removeLink(t: Topology, id: string): void {
  const link = t.links.find((l) => l.id === id);
  if (!link) throw new Error(`no link ${id}`);
  t.links = t.links.filter((l) => l !== link);
  for (const d of t.devices) d.interfaces = d.interfaces.filter((i) => i.link !== id);
}

describe('verifyTopology on the default province', () => {
  it('passes every check in both families', () => {
    const r = verifyTopology(base);
    expect(failedIds(r)).toEqual([]);
    expect(r.summary.passed).toBe(true);
    for (const fam of ['ipv4', 'ipv6'] as const) {
      for (const id of ['reach.core', 'reach.exit', 'failure.single-link', 'failure.single-device']) expect(check(r, id, fam).passed).toBe(true);
    }
    const levels = check(r, 'capacity.oversubscription').details!.levels as Array<{ level: string; max: number; median: number }>;
    expect(levels.map((l) => l.level)).toEqual(['province', 'city', 'county']);
    // county: 2×200M per township against the county's own 2×2G
    const county = levels.find((l) => l.level === 'county')!;
    expect(county.max).toBeGreaterThan(county.median);
    expect(renderVerificationText(r)).toContain('verification passed');
    expect(JSON.parse(renderVerificationJson(r)).summary.passed).toBe(true);
  });
});

describe('verifyTopology on broken models', () => {
  it('a township on one uplink: that link and the parent router are single points of failure, in both families', () => {
    const t = fresh();
    removeLink(t, 'xian.yanta.t01~up1');
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['failure.single-device/ipv4', 'failure.single-device/ipv6', 'failure.single-link/ipv4', 'failure.single-link/ipv6']);
    const link = check(r, 'failure.single-link', 'ipv6').failures;
    expect(link.map((f) => f.object)).toEqual(['link:xian.yanta.t01~up0']);
    expect(link[0]!.cutOff).toEqual(['xian.yanta.t01']);
    const dev = check(r, 'failure.single-device', 'ipv4').failures;
    expect(dev.map((f) => f.object)).toEqual(['device:xian.yanta-r1']);
    expect(dev[0]!.message).toContain('xian.yanta.t01');
  });

  it('an uplink without IPv6 is redundancy lost in IPv6 only', () => {
    const t = fresh();
    const l = t.links.find((x) => x.id === 'xian.yanta.t01~up1')!;
    l.a.ipv6 = '';
    l.b.ipv6 = '';
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['failure.single-device/ipv6', 'failure.single-link/ipv6']);
  });

  it('a county whose uplinks carry no IPv6 cannot reach the core or the exit over IPv6, with all its townships', () => {
    const t = fresh();
    for (const l of t.links.filter((x) => x.id.startsWith('xian.yanta~up'))) l.a.ipv6 = l.b.ipv6 = '';
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['reach.core/ipv6', 'reach.exit/ipv6']);
    const sites = check(r, 'reach.core', 'ipv6').failures.map((f) => f.object);
    expect(sites).toContain('site:xian.yanta');
    expect(sites).toContain('site:xian.yanta.t01');
    expect(sites.every((s) => s.startsWith('site:xian.yanta'))).toBe(true);
  });

  it('exits without an IPv6 hand-off fail the IPv6 exit check', () => {
    const t = fresh();
    for (const d of t.devices) for (const i of d.interfaces) if (i.kind === 'internet') delete i.ipv6;
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['reach.exit/ipv6']);
    expect(check(r, 'reach.exit', 'ipv6').failures[0]!.object).toBe('exit');
  });

  it('a standby exit without internet leaves the primary exit a single point of failure', () => {
    const t = fresh();
    const standby = t.devices.find((d) => d.id === t.exit.standby)!;
    standby.interfaces = standby.interfaces.filter((i) => i.kind !== 'internet');
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['failure.single-device/ipv4', 'failure.single-device/ipv6', 'failure.single-link/ipv4', 'failure.single-link/ipv6']);
    expect(check(r, 'failure.single-link', 'ipv4').failures[0]!.object).toBe(`link:internet:${t.exit.primary}`);
    expect(check(r, 'failure.single-device', 'ipv4').failures[0]!.object).toBe(`device:${t.exit.primary}`);
  });

  it('a standby exit cut off from the core fails reach.core (no path through the internet) and leaves the primary a single point of failure', () => {
    const t = fresh();
    for (const l of t.links.filter((x) => x.b.device === t.exit.standby || x.a.device === t.exit.standby)) removeLink(t, l.id);
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual([
      'failure.single-device/ipv4',
      'failure.single-device/ipv6',
      'failure.single-link/ipv4',
      'failure.single-link/ipv6',
      'reach.core/ipv4',
      'reach.core/ipv6',
    ]);
    expect(check(r, 'failure.single-device', 'ipv4').failures.map((f) => f.object)).toEqual([`device:${t.exit.primary}`]);
    expect(check(r, 'failure.single-device', 'ipv4').failures[0]!.message).toContain('from the internet exit');
    expect(check(r, 'reach.core', 'ipv6').failures.map((f) => f.message)).toEqual([`${t.exit.standby} cannot reach the province core over IPv6`]);
  });

  it('a single-homed city: the uplink and the province router are single points of failure towards the core and the exit', () => {
    const t = fresh();
    removeLink(t, 'yulin~up1');
    const r = verifyTopology(t);
    const link = check(r, 'failure.single-link', 'ipv4').failures;
    expect(link.map((f) => f.object)).toEqual(['link:yulin~up0']);
    expect(link[0]!.message).toMatch(/^losing link yulin~up0 cuts off \d+ sites \(\d+ devices\): .* from the core and the exit$/);
    expect(link[0]!.cutOff).toContain('yulin');
    expect(link[0]!.cutOff).toContain('dc.yulin-dc');
    expect(link[0]!.cutOff!.every((s) => s === 'dc.yulin-dc' || s === 'yulin' || s.startsWith('yulin.'))).toBe(true);
    expect(check(r, 'failure.single-device', 'ipv6').failures.map((f) => f.object)).toEqual(['device:shaanxi-r1', 'device:yulin-r1']);
  });

  it('finds duplicate addresses and router ids', () => {
    const t = fresh();
    const a = t.devices.find((d) => d.id === 'xian-r1')!;
    const b = t.devices.find((d) => d.id === 'yulin-r2')!;
    b.loopback.ipv6 = a.loopback.ipv6;
    b.routerId = a.routerId;
    const r = verifyTopology(t);
    // a duplicated loopback is also the same /128 twice
    expect(failedIds(r)).toEqual(['prefixes.no-overlap', 'unique.addresses', 'unique.router-ids']);
    expect(check(r, 'unique.addresses').failures[0]!.message).toMatch(/xian-r1 loopback.*yulin-r2 loopback/);
    expect(check(r, 'unique.router-ids').failures[0]!.message).toBe('shared by xian-r1, yulin-r2');
  });

  it('finds overlapping prefixes: a LAN reused at another site, a block inside an unrelated one', () => {
    const t = fresh();
    const county = t.sites.find((s) => s.id === 'xian.yanta')!;
    const town = t.sites.find((s) => s.id === 'yulin.yuyang.t01')!;
    const other = t.sites.find((s) => s.id === 'xian.beilin.t02')!;
    town.lan.ipv4 = county.lan.ipv4;
    other.block.ipv6 = t.sites.find((s) => s.id === 'xian.lianhu')!.infra.ipv6;
    const r = verifyTopology(t);
    expect(failedIds(r)).toEqual(['prefixes.no-overlap']);
    const messages = check(r, 'prefixes.no-overlap')
      .failures.map((f) => f.message)
      .join('\n');
    expect(messages).toContain('site:yulin.yuyang.t01 LAN');
    expect(messages).toContain('site:xian.beilin.t02 block');
  });

  it('oversubscription fails only above the threshold given', () => {
    expect(check(verifyTopology(base, { maxOversubscription: { county: 100, city: 100 } }), 'capacity.oversubscription').passed).toBe(true);
    const r = verifyTopology(base, { maxOversubscription: { county: 2 } });
    const c = check(r, 'capacity.oversubscription');
    expect(c.passed).toBe(false);
    expect(c.failures.every((f) => /^site:[a-z]+\.[a-z-]+$/.test(f.object))).toBe(true);
  });
});
