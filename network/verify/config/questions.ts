/**
 * The questions asked of the computed control plane, per family, by forwarding (not by graph
 * membership): does every device's traffic arrive at every province core loopback and at the
 * internet upstream, hop by hop through every ECMP branch; does that still hold after every single
 * link failure, every single device failure and the loss of either exit's upstream; where do
 * packets loop or die; is area 0 contiguous and does every other area have an ABR.
 */
import type { Family, Topology } from '../../types.js';
import type { FamilyNet } from './adjacency.js';
import { hexOrUndefined } from './address.js';
import type { ConfigFinding, SourceRef } from './findings.js';
import { Forwarding } from './forwarding.js';
import { ControlPlane, type Scenario } from './spf.js';
import { WALK_FAILED, WALK_OK, Walker, type Destination, type FlowProblem, type WalkResult } from './walk.js';

const EXAMPLES = 5;

export interface QuestionOptions {
  /** Ask the single-failure questions too (default true). */
  failures?: boolean;
  /** Only the failure scenarios whose name (`link:…`, `device:…`, `upstream:…`) passes. */
  scenarioFilter?: (name: string) => boolean;
  /**
   * `straight`: every scenario recomputed from nothing (a fresh control plane, every device walked)
   * — the reference the incremental path is tested against; `incremental` (default) reuses the
   * failure-free answers and redoes only what the failed element can change.
   */
  method?: 'incremental' | 'straight';
}

export interface FamilyAnswers {
  findings: ConfigFinding[];
  scenarios: number;
  cp: ControlPlane;
  fw: Forwarding;
}

function questionDestinations(topology: Topology, net: FamilyNet): Destination[] {
  const family = net.family;
  const out: Destination[] = [];
  const cores = topology.devices.filter((d) => d.site === topology.province.id && d.role === 'core');
  for (const d of cores) {
    const address = d.loopback[family].split('/')[0]!;
    const hex = hexOrUndefined(address, family);
    const owner = net.nodeOf.get(d.id);
    if (hex) out.push({ name: `${d.id} loopback ${address}`, hex, kind: 'address', ...(owner !== undefined ? { owner } : {}), check: 'reach.core' });
  }
  const up = topology.exit.upstream[family];
  const hex = up ? hexOrUndefined(up.split('/')[0]!, family) : undefined;
  if (hex) out.push({ name: `the upstream ${up}`, hex, kind: 'upstream', check: 'reach.exit' });
  return out;
}

export function answerFamily(topology: Topology, net: FamilyNet, opts: QuestionOptions = {}): FamilyAnswers {
  const family = net.family;
  const cp = new ControlPlane(net);
  const fw = new Forwarding(cp);
  const findings: ConfigFinding[] = [];
  const dests = questionDestinations(topology, net);
  const n = net.configs.length;
  const id = (node: number) => net.configs[node]!.device.id;
  const ref = (node: number): SourceRef => ({ file: net.configs[node]!.file, line: net.configs[node]!.parsed.hostnameLine ?? 1 });

  // What every scenario recomputes: the destinations' prefixes and every possible default originator.
  const keys = [...new Set(dests.flatMap((d) => fw.candidatesFor(d.hex).map((c) => c.key)))];
  const originators = net.originate.flatMap((o, node) => (o ? [node] : []));
  cp.baseline(keys, originators);
  const baseAsbrs = asbrSignature(fw);

  const all = Array.from({ length: n }, (_, i) => i);
  const walkers = dests.map((d) => new Walker(fw, d));
  const base = walkers.map((w) => w.walk(all));
  const loops = new Map<string, ConfigFinding>();
  const noteLoop = (dest: Destination, p: FlowProblem, scenario: string) => {
    if (p.kind !== 'loop') return;
    const cycle = p.cycle.map(id);
    const key = `${dest.name}|${[...new Set(cycle)].sort().join(',')}|${scenario}`;
    if (loops.has(key)) return;
    loops.set(key, {
      id: 'forwarding.loop',
      family,
      object: `flow:${scenario === '' ? 'base' : scenario}:${dest.name}`,
      message: `towards ${dest.name}, ${scenario === '' ? 'with every element up' : `after losing ${scenario.replace(/^(\w+):/, '$1 ')}`}, traffic loops ${cycle.join(' → ')}`,
      at: [...new Set(p.cycle)].map(ref),
    });
  };

  dests.forEach((dest, k) => {
    const r = base[k]!;
    const blackholes = new Map<number, number>();
    for (let node = 0; node < n; node++) {
      if (node === dest.owner || r.state[node] !== WALK_FAILED) continue;
      const p = r.problem.get(node)!;
      noteLoop(dest, p, '');
      if (p.kind === 'blackhole') blackholes.set(p.at, (blackholes.get(p.at) ?? 0) + 1);
      findings.push({
        id: dest.check,
        family,
        object: `device:${id(node)}`,
        message: `${id(node)} does not reach ${dest.name}: ${problemText(p, id)}`,
        at: [ref(node)],
      });
    }
    for (const [at, count] of blackholes) {
      findings.push({
        id: 'forwarding.blackhole',
        family,
        object: `device:${id(at)}`,
        message: `${id(at)} drops traffic towards ${dest.name} (${count} ${count === 1 ? 'device' : 'devices'} affected): ${blackholeWhy(r.problem.get(at), id)}`,
        at: [ref(at)],
      });
    }
  });

  findings.push(...areaFindings(cp, id, ref));

  let scenarios = 0;
  if (opts.failures !== false) {
    const lostIn = opts.method === 'straight' ? straightLoss(net, dests, base) : incrementalLoss(cp, fw, dests, walkers, base, keys, originators, baseAsbrs);
    for (const s of failureScenarios(topology, net)) {
      if (opts.scenarioFilter && !opts.scenarioFilter(s.name)) continue;
      scenarios++;
      const lost = lostIn(s.scenario);
      for (const l of lost) noteLoop(l.dest, l.p, s.name);
      if (lost.length) findings.push(scenarioFinding(family, s, lost, id, ref));
    }
    cp.restore();
    fw.reset();
  }
  findings.push(...loops.values());
  return { findings, scenarios, cp, fw };
}

interface Loss {
  node: number;
  dest: Destination;
  p: FlowProblem;
}

/** Devices that reached a destination with every element up and do not in a scenario (by destination, then device index). */
type LossOf = (scenario: Scenario) => Loss[];

function lossesOf(dest: Destination, scenario: Scenario, base: WalkResult, r: WalkResult, nodes: Iterable<number>, out: Loss[]): void {
  for (const node of nodes) {
    if (node === dest.owner || scenario.nodes.includes(node)) continue;
    if (r.state[node] === WALK_FAILED && base.state[node] === WALK_OK) out.push({ node, dest, p: r.problem.get(node)! });
  }
}

/** The reference: a fresh control plane per scenario, every device walked. */
function straightLoss(net: FamilyNet, dests: Destination[], base: WalkResult[]): LossOf {
  const all = Array.from({ length: net.configs.length }, (_, i) => i);
  return (scenario) => {
    const cp = new ControlPlane(net);
    cp.apply(scenario);
    const fw = new Forwarding(cp);
    const lost: Loss[] = [];
    dests.forEach((dest, k) => {
      if (dest.owner !== undefined && scenario.nodes.includes(dest.owner)) return;
      lossesOf(dest, scenario, base[k]!, new Walker(fw, dest).walk(all), all, lost);
    });
    return lost;
  };
}

function incrementalLoss(
  cp: ControlPlane,
  fw: Forwarding,
  dests: Destination[],
  walkers: Walker[],
  base: WalkResult[],
  keys: string[],
  originators: number[],
  baseAsbrs: string,
): LossOf {
  const n = cp.net.configs.length;
  const all = Array.from({ length: n }, (_, i) => i);
  const reverse = base.map((r) => reverseGraph(r.successors));
  return (scenario) => {
    cp.apply(scenario);
    fw.reset();
    for (const key of keys) cp.prefix(key);
    for (const o of originators) cp.router(o);
    const allChanged = asbrSignature(fw) !== baseAsbrs;
    const changed = allChanged ? undefined : changedNodes(cp, keys, originators);
    const changedList: number[] = [];
    if (changed) for (let i = 0; i < n; i++) if (changed[i]) changedList.push(i);
    const lost: Loss[] = [];
    dests.forEach((dest, k) => {
      if (dest.owner !== undefined && scenario.nodes.includes(dest.owner)) return;
      // the common case, a failure that costs nothing: settled by walking only the changed devices
      if (changed && !walkers[k]!.loses(changedList, changed, base[k]!, (node) => node === dest.owner || scenario.nodes.includes(node))) return;
      const affected = changed ? closure(changed, reverse[k]!) : undefined;
      const nodes = affected ? affected.list.sort((a, b) => a - b) : all;
      const r = walkers[k]!.walk(nodes, base[k]!, affected?.mask, changed);
      lossesOf(dest, scenario, base[k]!, r, nodes, lost);
    });
    return lost;
  };
}

function problemText(p: FlowProblem, id: (n: number) => string): string {
  return p.kind === 'loop' ? `loop ${p.cycle.map(id).join(' → ')}` : `${id(p.at)} ${p.why}`;
}

function blackholeWhy(p: FlowProblem | undefined, id: (n: number) => string): string {
  return p ? problemText(p, id) : 'no route';
}

export function asbrSignature(fw: Forwarding): string {
  const list = fw.asbrs();
  let text = SIGNATURE_OF.get(list);
  if (text === undefined) SIGNATURE_OF.set(list, (text = list.map((a) => `${a.node}:${a.metricType}:${a.metric}`).join(',')));
  return text;
}

/** Forwarding.asbrs hands the same list to every scenario that touches no exit: its text is made once. */
const SIGNATURE_OF = new WeakMap<readonly unknown[], string>();

export interface NamedScenario {
  name: string;
  check: 'failure.link' | 'failure.device' | 'failure.upstream';
  scenario: Scenario;
}

/** Every single link, every single device, and each exit's upstream hand-off. */
export function* failureScenarios(topology: Topology, net: FamilyNet): Generator<NamedScenario> {
  for (const link of topology.links) {
    const ends = net.endsOfLink.get(link.id);
    if (ends) yield { name: `link:${link.id}`, check: 'failure.link', scenario: { ifaces: [ends[0]!], nodes: [] } };
  }
  for (let node = 0; node < net.configs.length; node++)
    yield { name: `device:${net.configs[node]!.device.id}`, check: 'failure.device', scenario: { ifaces: [], nodes: [node] } };
  for (let i = 0; i < net.ifaces.length; i++) {
    const iface = net.ifaces[i]!;
    if (iface.kind === 'internet' && iface.up)
      yield { name: `upstream:${net.configs[iface.node]!.device.id} ${iface.name}`, check: 'failure.upstream', scenario: { ifaces: [i], nodes: [] } };
  }
}

/** Devices whose decision may differ from the base: their label or a neighbour's changed, or their interfaces did. */
export function changedNodes(cp: ControlPlane, keys: string[], routers: number[]): Uint8Array {
  const net = cp.net;
  const mark = new Uint8Array(net.configs.length);
  const compare = (b: ReturnType<ControlPlane['prefix']> | undefined, c: ReturnType<ControlPlane['prefix']>) => {
    for (let a = 0; a < net.areas.length; a++) {
      for (const kind of ['intra', 'inter'] as const) {
        const lb = b?.[kind][a];
        const lc = c[kind][a];
        if (lb === lc) continue;
        const g = cp.areaGraphs[a]!;
        if (!lb || !lc) {
          for (const node of g.nodes) mark[node] = 1;
          continue;
        }
        for (let i = 0; i < lb.length; i++) {
          if (lb[i] === lc[i]) continue;
          mark[g.nodes[i]!] = 1;
          for (const e of g.inEdges[i]!) mark[net.edges[e]!.from] = 1;
        }
      }
    }
  };
  for (const key of keys) compare(cp.baseRoutes(key), cp.prefix(key));
  for (const r of routers) compare(cp.baseRoutes(`router:${r}`), cp.router(r));
  // A failed element's own ends (both ends of a cut link, a failed device's neighbours) are touched;
  // every other device's decision changes only through a label (its own or a next hop's), marked above.
  for (const t of cp.touched) mark[t] = 1;
  return mark;
}

function reverseGraph(successors: number[][]): number[][] {
  const rev: number[][] = successors.map(() => []);
  successors.forEach((list, node) => {
    for (const s of list) rev[s]!.push(node);
  });
  return rev;
}

/** The changed devices and every device whose base path runs through one. */
function closure(changed: Uint8Array, reverse: number[][]): { list: number[]; mask: Uint8Array } {
  const mask = new Uint8Array(changed.length);
  const list: number[] = [];
  for (let i = 0; i < changed.length; i++) if (changed[i]) (mask[i] = 1), list.push(i);
  for (let k = 0; k < list.length; k++) {
    for (const p of reverse[list[k]!]!) {
      if (!mask[p]) {
        mask[p] = 1;
        list.push(p);
      }
    }
  }
  return { list, mask };
}

function scenarioFinding(family: Family, s: NamedScenario, lost: Loss[], id: (n: number) => string, ref: (n: number) => SourceRef): ConfigFinding {
  const byDest = new Map<string, typeof lost>();
  for (const l of lost) (byDest.get(l.dest.name) ?? byDest.set(l.dest.name, []).get(l.dest.name)!).push(l);
  const parts = [...byDest].map(([dest, list]) => {
    const devices = new Set(list.map((l) => l.node)).size;
    const examples = list.slice(0, EXAMPLES).map((l) => `${id(l.node)} (${problemText(l.p, id)})`);
    return `${devices} ${devices === 1 ? 'device loses' : 'devices lose'} ${dest}: ${examples.join('; ')}${list.length > EXAMPLES ? ` and ${list.length - EXAMPLES} more` : ''}`;
  });
  const what = s.name.replace(/^(\w+):/, '$1 ');
  const atNodes = [...new Set(lost.map((l) => (l.p.kind === 'loop' ? l.p.cycle[0]! : l.p.at)))].slice(0, EXAMPLES);
  return { id: s.check, family, object: s.name, message: `losing ${what}: ${parts.join('; ')}`, at: atNodes.map(ref) };
}

/** Area 0 in one piece, and every other area with an ABR to it. */
function areaFindings(cp: ControlPlane, id: (n: number) => string, ref: (n: number) => SourceRef): ConfigFinding[] {
  const net = cp.net;
  const out: ConfigFinding[] = [];
  const bb = net.backbone;
  if (bb >= 0) {
    const g = cp.areaGraphs[bb]!;
    const comp = new Int32Array(g.nodes.length).fill(-1);
    let count = 0;
    const pieces: number[][] = [];
    for (let s = 0; s < g.nodes.length; s++) {
      if (comp[s]! >= 0 || !cp.attached[g.nodes[s]!]!.includes(bb)) continue;
      const piece = [s];
      comp[s] = count;
      for (let k = 0; k < piece.length; k++) {
        for (const e of g.outEdges[piece[k]!]!) {
          const to = cp.localIndex(bb, net.edges[e]!.to);
          if (comp[to]! < 0) {
            comp[to] = count;
            piece.push(to);
          }
        }
      }
      pieces.push(piece.map((l) => g.nodes[l]!));
      count++;
    }
    if (pieces.length > 1) {
      pieces.sort((a, b) => b.length - a.length);
      out.push({
        id: 'ospf.area0-contiguity',
        family: net.family,
        object: 'area:0.0.0.0',
        message: `the backbone is in ${pieces.length} pieces: ${pieces.map((p) => `{${p.slice(0, EXAMPLES).map(id).join(', ')}${p.length > EXAMPLES ? `, … ${p.length - EXAMPLES} more` : ''}}`).join(' / ')}`,
        at: pieces.slice(1).map((p) => ref(p[0]!)),
      });
    }
  }
  net.areas.forEach((area, a) => {
    if (a === bb) return;
    const g = cp.areaGraphs[a]!;
    if (g.nodes.some((node) => cp.isAbr(node))) return;
    out.push({
      id: 'ospf.abr-without-backbone',
      family: net.family,
      object: `area:${area}`,
      message: `area ${area} (${g.nodes.slice(0, EXAMPLES).map(id).join(', ')}) has no ABR: its routers get no inter-area routes and no default`,
      at: g.nodes.slice(0, 1).map(ref),
    });
  });
  return out;
}
