/**
 * Wave planning (pure): systems that move are grouped by the strongly connected components of their
 * dependency graph (systems that call each other move together) and laid into waves in dependency
 * order (a system never moves before what it calls: the callee is in an earlier wave or the same one,
 * and inside a wave its `stage` is later). Waves are bounded by a system count, a data volume and a
 * per-target-cloud count; each wave is dated from the start date and checked against the deadline.
 *
 * Filling is first-fit in dependency order, with a cursor past the waves already full, so the cost
 * is O(V + E) for the graph plus O(groups × waves scanned), a few milliseconds for 10,000 systems.
 */
import { stronglyConnected } from './graph.js';
import type { Strategy } from './schema.js';

export interface WaveOptions {
  /** ISO date of wave 1. */
  start: string;
  waveDays: number;
  maxSystemsPerWave: number;
  maxDataGiBPerWave: number;
  maxPerCloudPerWave: number;
  /** ISO date every existing system should be on cloud by (the plan: 2022-06-30). */
  deadline: string;
}

export const DEFAULT_WAVE_OPTIONS: WaveOptions = {
  start: '2021-09-06',
  waveDays: 7,
  maxSystemsPerWave: 60,
  maxDataGiBPerWave: 40 * 1024,
  maxPerCloudPerWave: 30,
  deadline: '2022-06-30',
};

/** What the planner needs of each moving system. */
export interface Mover {
  id: string;
  strategy: Strategy;
  targetCloud: string;
  az?: string;
  dataGiB: number;
  dependsOn: readonly string[];
}

export interface PlannedSystem {
  id: string;
  strategy: Strategy;
  target_cloud: string;
  az?: string;
  data_gib: number;
  /** Order inside the wave: a system's in-wave dependencies have a lower stage. */
  stage: number;
  /** Set when the system is in a group of systems that call each other (moved together). */
  group?: string;
  depends_on: string[];
  /** Set when the inventory says the system's data is a PostgreSQL database. */
  database?: 'postgresql';
  /** Replication throttle from the wave's bandwidth plan (plan.ts), Mbps. */
  throttle_mbps?: number;
}

export interface Wave {
  number: number;
  date: string;
  systems: PlannedSystem[];
  data_gib: number;
  clouds: Record<string, number>;
  reasons: string[];
}

export interface WavePlan {
  waves: Wave[];
  deadline: { date: string; met: boolean; waves_before_deadline: number; systems_late: number; hint?: string };
}

interface WaveState {
  count: number;
  data: number;
  clouds: Map<string, number>;
  groups: number[];
  deferred: Map<string, number>;
  waitsFor: Set<number>;
  oversize: string[];
}

export function planWaves(movers: readonly Mover[], opts: WaveOptions = DEFAULT_WAVE_OPTIONS): WavePlan {
  const index = new Map(movers.map((m, i) => [m.id, i]));
  const edges = movers.map((m) => m.dependsOn.map((d) => index.get(d)).filter((x): x is number => x !== undefined));
  const { of, members } = stronglyConnected(edges);

  const waveOfComp = new Int32Array(members.length).fill(-1);
  const stageOfComp = new Int32Array(members.length);
  const waves: WaveState[] = [];
  const newWave = (): WaveState => ({ count: 0, data: 0, clouds: new Map(), groups: [], deferred: new Map(), waitsFor: new Set(), oversize: [] });
  let firstOpen = 0;

  members.forEach((nodes, c) => {
    let earliest = 0;
    for (const v of nodes) for (const w of edges[v]!) if (of[w] !== c) earliest = Math.max(earliest, waveOfComp[of[w]!]!);
    let data = 0;
    const perCloud = new Map<string, number>();
    for (const v of nodes) {
      data += movers[v]!.dataGiB;
      perCloud.set(movers[v]!.targetCloud, (perCloud.get(movers[v]!.targetCloud) ?? 0) + 1);
    }
    let w = Math.max(earliest, firstOpen);
    for (; ; w++) {
      const wave = (waves[w] ??= newWave());
      if (wave.count === 0) break; // an empty wave takes any group, even one over the caps
      const why = refusal(wave, nodes.length, data, perCloud, opts);
      if (!why) break;
      wave.deferred.set(why, (wave.deferred.get(why) ?? 0) + nodes.length);
    }
    const wave = waves[w]!;
    if (wave.count === 0 && refusal(newWave(), nodes.length, data, perCloud, opts)) {
      wave.oversize.push(`a group of ${nodes.length} systems that call each other (${data} GiB) is over the per-wave caps: it moves alone`);
    }
    wave.count += nodes.length;
    wave.data += data;
    for (const [cloud, k] of perCloud) wave.clouds.set(cloud, (wave.clouds.get(cloud) ?? 0) + k);
    wave.groups.push(c);
    waveOfComp[c] = w;
    let stage = 0;
    for (const v of nodes) {
      for (const d of edges[v]!) {
        const dc = of[d]!;
        if (dc === c) continue;
        if (waveOfComp[dc] === w) stage = Math.max(stage, stageOfComp[dc]! + 1);
        else wave.waitsFor.add(waveOfComp[dc]!);
      }
    }
    stageOfComp[c] = stage;
    while (firstOpen < waves.length && waves[firstOpen]!.count >= opts.maxSystemsPerWave) firstOpen++;
  });

  const start = Date.parse(`${opts.start}T00:00:00Z`);
  const deadline = Date.parse(`${opts.deadline}T00:00:00Z`);
  const day = 86_400_000;
  const out: Wave[] = waves.map((state, w) => {
    const dateMs = start + w * opts.waveDays * day;
    const systems: PlannedSystem[] = [];
    for (const c of state.groups) {
      const nodes = members[c]!;
      const group = nodes.length > 1 ? `g${c}` : undefined;
      for (const v of [...nodes].sort((a, b) => (movers[a]!.id < movers[b]!.id ? -1 : 1))) {
        const m = movers[v]!;
        systems.push({
          id: m.id,
          strategy: m.strategy,
          target_cloud: m.targetCloud,
          ...(m.az ? { az: m.az } : {}),
          data_gib: m.dataGiB,
          stage: stageOfComp[c]!,
          ...(group ? { group } : {}),
          depends_on: edges[v]!.map((d) => movers[d]!.id),
        });
      }
    }
    systems.sort((a, b) => a.stage - b.stage || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      number: w + 1,
      date: iso(dateMs),
      systems,
      data_gib: round(state.data),
      clouds: Object.fromEntries([...state.clouds].sort()),
      reasons: reasonsFor(state, members, w, dateMs, deadline, opts),
    };
  });

  const before = Math.floor((deadline - start) / (opts.waveDays * day)) + 1;
  const late = out.filter((w) => Date.parse(`${w.date}T00:00:00Z`) > deadline).reduce((n, w) => n + w.systems.length, 0);
  const needed = before > 0 ? Math.ceil(movers.length / before) : movers.length;
  return {
    waves: out,
    deadline: {
      date: opts.deadline,
      met: late === 0,
      waves_before_deadline: Math.max(0, before),
      systems_late: late,
      ...(late
        ? {
            hint: `${late} systems move after ${opts.deadline}: start earlier, shorten --wave-days, or raise --per-wave to about ${needed} (with --per-cloud and --max-data-gib to match)`,
          }
        : {}),
    },
  };
}

function refusal(wave: WaveState, size: number, data: number, perCloud: Map<string, number>, opts: WaveOptions): string | undefined {
  if (wave.count + size > opts.maxSystemsPerWave) return `wave full (${opts.maxSystemsPerWave} systems)`;
  if (wave.data + data > opts.maxDataGiBPerWave) return `data cap (${opts.maxDataGiBPerWave} GiB per wave)`;
  for (const [cloud, k] of perCloud)
    if ((wave.clouds.get(cloud) ?? 0) + k > opts.maxPerCloudPerWave) return `cloud ${cloud} at its cap (${opts.maxPerCloudPerWave} systems per wave)`;
  return undefined;
}

function reasonsFor(state: WaveState, members: number[][], w: number, dateMs: number, deadline: number, opts: WaveOptions): string[] {
  const reasons: string[] = [];
  const together = state.groups.filter((c) => members[c]!.length > 1);
  if (together.length) {
    const largest = Math.max(...together.map((c) => members[c]!.length));
    reasons.push(`${together.length} group(s) of systems that call each other move together (largest: ${largest} systems)`);
  }
  const waits = [...state.waitsFor].filter((x) => x < w).sort((a, b) => a - b);
  if (waits.length)
    reasons.push(
      `after what it calls: dependencies already moved in wave(s) ${waits
        .slice(0, 8)
        .map((x) => x + 1)
        .join(', ')}${waits.length > 8 ? ', …' : ''}`,
    );
  if (state.groups.length && state.count > 0 && w === 0) reasons.push('first wave: the shared platforms and systems that call nothing else start here');
  reasons.push(`${state.count} of ${opts.maxSystemsPerWave} systems, ${round(state.data)} of ${opts.maxDataGiBPerWave} GiB`);
  for (const [why, n] of state.deferred) reasons.push(`${n} system(s) deferred to later waves: ${why}`);
  reasons.push(...state.oversize);
  const days = Math.round((deadline - dateMs) / 86_400_000);
  reasons.push(days >= 0 ? `${days} days before the deadline ${opts.deadline}` : `LATE: ${-days} days after the deadline ${opts.deadline}`);
  return reasons;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round = (n: number) => Math.round(n * 10) / 10;
