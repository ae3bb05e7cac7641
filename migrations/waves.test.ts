import { describe, expect, it } from 'vitest';
import { planWaves, DEFAULT_WAVE_OPTIONS, type Mover } from './waves.js';
import { chooseStrategy } from './assess.js';
import type { MigrationSystem } from './schema.js';

const m = (id: string, deps: string[] = [], cloud = 'provincial', data = 10): Mover => ({
  id,
  strategy: 'rehost',
  targetCloud: cloud,
  dataGiB: data,
  dependsOn: deps,
});
const opts = { ...DEFAULT_WAVE_OPTIONS, maxSystemsPerWave: 3, maxPerCloudPerWave: 2, maxDataGiBPerWave: 100 };

describe('planWaves', () => {
  it('keeps a cycle together, orders callers after callees, and stages inside a wave', () => {
    const plan = planWaves([m('app', ['db']), m('db', ['cache']), m('cache', ['db'])], { ...opts, maxPerCloudPerWave: 3 });
    expect(plan.waves).toHaveLength(1);
    const s = Object.fromEntries(plan.waves[0]!.systems.map((x) => [x.id, x]));
    expect(s.db!.group).toBe(s.cache!.group);
    expect(s.app!.stage).toBeGreaterThan(s.db!.stage);
  });

  it('bounds waves by systems, per-cloud count and data, and says why systems were deferred', () => {
    const movers = [m('a1'), m('a2'), m('a3'), m('b1', [], 'xian'), m('big', [], 'xian', 90)];
    const plan = planWaves(movers, opts);
    for (const w of plan.waves) {
      expect(w.systems.length).toBeLessThanOrEqual(3);
      expect(w.clouds.provincial ?? 0).toBeLessThanOrEqual(2);
      expect(w.data_gib).toBeLessThanOrEqual(100);
    }
    expect(plan.waves[0]!.reasons.join('\n')).toMatch(/deferred.*cloud provincial at its cap/);
    expect(plan.waves.map((w) => w.date)).toEqual(plan.waves.map((_, i) => new Date(Date.parse('2021-09-06') + i * 7 * 86_400_000).toISOString().slice(0, 10)));
  });

  it('moves a group over the caps alone, with the reason', () => {
    const ring = Array.from({ length: 5 }, (_, i) => m(`r${i}`, [`r${(i + 1) % 5}`]));
    const plan = planWaves([m('x'), ...ring], opts);
    const w = plan.waves.find((x) => x.systems.some((s) => s.id === 'r0'))!;
    expect(w.systems).toHaveLength(5);
    expect(w.reasons.join('\n')).toMatch(/over the per-wave caps: it moves alone/);
  });

  it('flags waves after the deadline', () => {
    const plan = planWaves(
      Array.from({ length: 10 }, (_, i) => m(`s${i}`)),
      { ...opts, start: '2022-06-20', maxPerCloudPerWave: 3 },
    );
    expect(plan.deadline.met).toBe(false);
    expect(plan.deadline.systems_late).toBeGreaterThan(0);
  });
});

describe('chooseStrategy (7 Rs)', () => {
  const base: MigrationSystem = {
    id: 's',
    name: 's',
    department: 'finance',
    level: 'province',
    classification: 'internal',
    location: { kind: 'department-room', site: 'dept.finance' },
    dependsOn: [],
    dataGiB: 1,
    vcpu: 2,
    ramGiB: 4,
    protectionClass: 'p2',
    platform: 'x86-vm',
    lifecycle: 'active',
  };
  it.each([
    [{ classification: 'classified', strategyHint: 'rehost' }, 'retain', /classified.*overruled/],
    [{ lifecycle: 'sunset' }, 'retire', /sunset/],
    [{ strategyHint: 'replatform-containers' }, 'replatform', /Kubernetes/],
    [{ platform: 'unix' }, 'refactor', /UNIX/],
    [{ platform: 'cots' }, 'repurchase', /commercial/],
    [{ platform: 'special-hardware' }, 'retain', /hardware/],
    [{ platform: 'web-app' }, 'replatform', /containers/],
    [{ location: { kind: 'legacy-centre', site: 'dc.info-centre' } }, 'relocate', /legacy centre/],
    [{}, 'rehost', /lift and shift/],
  ] as const)('%o → %s', (over, strategy, reason) => {
    const r = chooseStrategy({ ...base, ...(over as Partial<MigrationSystem>) });
    expect(r.strategy).toBe(strategy);
    expect(r.reasons.join(' ')).toMatch(reason);
  });
});
