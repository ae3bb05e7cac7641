import { describe, expect, it } from 'vitest';
import { kpiRow, parseTarget, renderKpiTable, type KpiRow } from './kpi.js';
import coverage from './indicators/i03-coverage.js';
import capacity from './indicators/i04-capacity.js';
import platformUptime from './indicators/i09-platform-uptime.js';
import security from './indicators/i12-security.js';
import fixed from './indicators/i13-fixed-in-time.js';
import { monitoringPolicy } from './policy.js';
import type { StoreView } from './indicators/define.js';
import stringWidth from 'string-width';
import type { Topology } from '../network/types.js';
import type { Fault } from './types.js';

const site = (id: string, level: string, parent: string | undefined, legacy: string[]) => ({ id, level, parent, legacy });
const topo = {
  province: { id: 'p', name: 'P' },
  sites: [site('p', 'province', undefined, ['guowang']), site('c', 'city', 'p', ['guowang']), site('k', 'county', 'c', []), site('k.t01', 'township', 'k', [])],
  devices: [
    { id: 'p-r1', site: 'p' },
    { id: 'c-r1', site: 'c' },
    { id: 'k-r1', site: 'k' },
    { id: 'k.t01-r1', site: 'k.t01' },
  ],
  links: [
    { id: 'c~up0', kind: 'uplink', tier: 'province-city', bandwidthMbps: 10_000, a: { device: 'p-r1' }, b: { device: 'c-r1' } },
    { id: 'c~up1', kind: 'uplink', tier: 'province-city', bandwidthMbps: 10_000, a: { device: 'p-r1' }, b: { device: 'c-r1' } },
    { id: 'k~up0', kind: 'uplink', tier: 'city-county', bandwidthMbps: 1000, a: { device: 'c-r1' }, b: { device: 'k-r1' } },
    { id: 'k~up1', kind: 'uplink', tier: 'city-county', bandwidthMbps: 2000, a: { device: 'c-r1' }, b: { device: 'k-r1' } },
    { id: 't~up0', kind: 'uplink', tier: 'county-township', bandwidthMbps: 200, a: { device: 'k-r1' }, b: { device: 'k.t01-r1' } },
    { id: 't~up1', kind: 'uplink', tier: 'county-township', bandwidthMbps: 200, a: { device: 'k-r1' }, b: { device: 'k.t01-r1' } },
  ],
  tiers: [
    { id: 'province-city', links: 2, bandwidthMbps: 10_000 },
    { id: 'city-county', links: 2, bandwidthMbps: 2000 },
    { id: 'county-township', links: 2, bandwidthMbps: 200 },
  ],
} as unknown as Topology;

const H = 3_600_000;
const f = (kind: Fault['kind'], openedAt: number, closedAt: number | null): Fault => ({
  id: 1,
  object: 'x',
  kind,
  openedAt,
  closedAt,
  state: closedAt === null ? 'open' : 'closed',
  clearedAt: closedAt,
  assignedAt: null,
  assignedTo: null,
  assignedBy: null,
  resolvedAt: closedAt,
  resolvedBy: closedAt === null ? null : 'stacks-daemon',
  resolution: null,
  cause: null,
  closedBy: null,
  flapping: false,
  acknowledgedAt: null,
  acknowledgedBy: null,
  durationMs: closedAt === null ? null : closedAt - openedAt,
  detail: null,
});

describe('kpi', () => {
  it('parses plan targets, including strict ones', () => {
    expect(parseTarget('95%')).toEqual({ value: 0.95, op: '>=' });
    expect(parseTarget('>95%')).toEqual({ value: 0.95, op: '>' });
    expect(parseTarget(null)).toBeNull();
  });
  it('coverage counts province/city/county on either legacy extranet; townships beside', () => {
    const c = coverage.compute({ topology: topo, store: undefined });
    expect(c).toMatchObject({ status: 'ok', numerator: 2, denominator: 3, detail: { townships_covered: 0, townships_total: 1 } });
  });
  it('capacity flags a site whose uplinks fall short of the plan rate', () => {
    expect(capacity.compute({ topology: topo })).toMatchObject({ status: 'ok', numerator: 2, denominator: 3, detail: { short_sites: ['k'] } });
  });
  it('store-based indicators say why they have no value', () => {
    const policy = monitoringPolicy();
    const empty = (now: number): StoreView => ({ objects: [], faults: [], spans: [], now });
    expect(platformUptime.compute({ store: undefined, policy }).status).toBe('unavailable');
    expect(platformUptime.compute({ store: empty(0), policy }).status).toBe('no-data');
    expect(security.compute({ store: empty(10 * H), securityWindowMs: 24 * H }).status).toBe('no-data');
    const now = 1000 * H;
    const r = fixed.compute({
      store: {
        ...empty(now),
        faults: [f('link-down', now - 10 * H, now - 9 * H), f('platform-down', now - 10 * H, now - 5 * H), f('security', now - 2 * H, now - H)],
      },
      fixWindowMs: 3 * H,
      policy,
    });
    expect(r).toMatchObject({ status: 'ok', value: 0.5, numerator: 1, denominator: 2 });
  });
  it('rows carry both targets and whether each is met', () => {
    const row = kpiRow(
      { id: 13, name_zh: '网络及平台故障及时处置率', name_en: 'Fault fixed-in-time rate', definition: '', target_2023: '95%', target_2025: '99%' },
      { status: 'ok', value: 0.97, definition: 'd', source: 's', basis: 'live', measuredAt: 0 },
    );
    expect(row).toMatchObject({ id: 13, value: 0.97, target_2023: 0.95, target_2025: 0.99, meets_2023: true, meets_2025: false });
  });

  it('lines the text table up by display width, Chinese names included', () => {
    const row = (id: number, name: string, name_zh: string): KpiRow => ({
      id,
      name,
      name_zh,
      value: 0.5,
      target_2023: 0.9,
      target_2025: 1,
      target_2023_op: '>=',
      target_2025_op: '>=',
      meets_2023: false,
      meets_2025: false,
      status: 'ok',
      numerator: 1,
      denominator: 2,
      definition: '',
      source: '',
      basis: 'declared',
      measured_at: null,
      claimed: true,
    });
    const lines = renderKpiTable([row(1, 'Two-network merge', '两网整合'), row(12, 'Security incident timely remediation rate', '网络安全事件及时整改率')])
      .trimEnd()
      .split('\n');
    // the value column starts at the same terminal cell on every line
    const at = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    expect(at(lines[1]!, '50.00%')).toBe(at(lines[0]!, 'value'));
    expect(at(lines[2]!, '50.00%')).toBe(at(lines[0]!, 'value'));
  });

  it('indicator 9 reports its coverage and does not claim a target over a window it barely watched', () => {
    const now = 400 * 86_400_000;
    const store: StoreView = {
      objects: [{ object: 'platform:p', type: 'platform', firstSeen: 0 }],
      faults: [],
      spans: [{ id: 1, from: now - 10 * H, to: now }],
      now,
    };
    const c = platformUptime.compute({ store, policy: monitoringPolicy() });
    expect(c).toMatchObject({ status: 'ok', value: 1, claim: false, basis: 'live' });
    const row = kpiRow({ id: 9, name_zh: '政务云平台可靠性', name_en: 'Gov cloud reliability', definition: '', target_2023: '95%', target_2025: '99%' }, c);
    expect([row.value, row.meets_2023, row.meets_2025, row.claimed]).toEqual([1, null, null, false]);
    expect((row.detail as { coverage: number }).coverage).toBeCloseTo(10 / (365 * 24), 9);
  });
});
