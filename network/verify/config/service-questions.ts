/**
 * The published services as questions of the config-level verifier, per family (issue 15 part 4):
 * every township reaches every service VIP of its city cloud and of the provincial cloud
 * (`reach.services`), and still does after every single link, device or exit-upstream failure
 * (`failure.services`). The routing tables are the ones computed from the rendered configs
 * (spf.ts, forwarding.ts), handed to service-reach.ts as RIBs (ribs.ts's rows) holding a device's
 * longest-prefix match for the VIP — the one row of its table a walk reads — and computed only for
 * the devices a path reaches (the straight reference hands in every row that covers the VIP).
 *
 * A failure re-asks only the townships whose base paths run through a device whose decision may
 * have changed (questions.ts's changedNodes: a label or a neighbour's changed, or its interfaces
 * did); every other township's paths are those of the intact network. A failure reports only what
 * it breaks: a path already broken intact is `reach.services`'s finding.
 */
import type { Family, Topology } from '../../types.js';
import type { FamilyNet } from './adjacency.js';
import { hexOrUndefined, prefixText } from './address.js';
import type { ConfigFinding, SourceRef } from './findings.js';
import { type Decision, Forwarding } from './forwarding.js';
import { asbrSignature, changedNodes, failureScenarios, type QuestionOptions } from './questions.js';
import type { DeviceRib, RibRoute } from './rib.js';
import { nextHopsOf } from './ribs.js';
import { ServiceReach, type ServiceReachFailure } from './service-reach.js';
import { ControlPlane, type Scenario } from './spf.js';

const EXAMPLES = 5;

export interface ServiceAnswers {
  findings: ConfigFinding[];
  /** Failure scenarios asked. */
  scenarios: number;
}

export function answerServices(topology: Topology, net: FamilyNet, opts: QuestionOptions = {}): ServiceAnswers {
  const family = net.family;
  const question = new ServiceReach(topology);
  const addresses = [...new Set(question.sources.flatMap((s) => s.targets.filter((t) => t.family === family).map((t) => t.address)))];
  if (!addresses.length) return { findings: [], scenarios: 0 };
  const cp = new ControlPlane(net);
  const fw = new Forwarding(cp);
  const id = (node: number) => net.configs[node]!.device.id;
  const ref = (device: string): SourceRef[] => {
    const node = net.nodeOf.get(device);
    return node === undefined ? [] : [{ file: net.configs[node]!.file, line: net.configs[node]!.parsed.hostnameLine ?? 1 }];
  };

  // Per VIP, the RIB rows a longest-prefix match for it can pick: every prefix holding it.
  const rowsOf = new Map<string, Array<{ key: string; length: number }>>();
  for (const a of addresses) {
    const hex = hexOrUndefined(a, family);
    rowsOf.set(a, hex ? fw.candidatesFor(hex) : []);
  }
  const originators = net.originate.flatMap((o, node) => (o ? [node] : []));

  // What a walk reads of a device's table for a VIP is its longest-prefix match only
  // (service-reach.ts's lookup): every row holds the VIP, so the match is the longest row the device
  // has a route for — Forwarding.lookup — and a table of that one route walks exactly like the whole.
  const slotOf = new Map(addresses.map((a, i) => [a, i]));
  const hexOf = addresses.map((a) => hexOrUndefined(a, family));
  const width = addresses.length;
  const texts = new Map<string, string>();
  const prefixOf = (key: string, length: number) => texts.get(key) ?? texts.set(key, prefixText(family, key.split('/')[0]!, length)).get(key)!;
  const matchOf = (fw: Forwarding, node: number, device: string, slot: number): Match => {
    const hex = hexOf[slot];
    return { device, decision: hex === undefined ? undefined : fw.lookup(node, hex) };
  };
  const ribOfMatch = (m: Match): DeviceRib => {
    if (m.rib) return m.rib;
    const d = m.decision;
    const routes: RibRoute[] = d ? [{ prefix: prefixOf(d.key, d.length), protocol: d.protocol, metric: d.metric, nextHops: nextHopsOf(net, d) }] : [];
    m.rib = { device: m.device, family, routes };
    return m.rib;
  };
  /** One device's match for a VIP in the current scenario; a device whose decisions did not change keeps its intact one. */
  const intact: Array<Match | undefined> = new Array(net.configs.length * width);
  /** The current scenario's matches of the devices whose decisions may have changed (computed once: the sources' check, then the walks). */
  const fresh = new Map<number, Match>();
  let changed: Uint8Array | undefined;
  let inScenario = false;
  const matchAt = (node: number, slot: number): Match => {
    const at = node * width + slot;
    const keep = !inScenario || (changed !== undefined && !changed[node]);
    const known = keep ? intact[at] : fresh.get(at);
    if (known) return known;
    const m = matchOf(fw, node, id(node), slot);
    if (keep) intact[at] = m;
    else fresh.set(at, m);
    return m;
  };
  const ribOf = (device: string, f: Family, address: string): DeviceRib | undefined => {
    const node = net.nodeOf.get(device);
    const slot = slotOf.get(address);
    if (f !== family || node === undefined || slot === undefined || !cp.nodeUp[node]) return undefined;
    return ribOfMatch(matchAt(node, slot));
  };
  /** The reference's table: every row a longest-prefix match for the VIP can pick. */
  const tableOf = (fw: Forwarding, node: number, device: string, address: string): DeviceRib => {
    const routes: RibRoute[] = [];
    for (const { key, length } of rowsOf.get(address) ?? []) {
      const d = fw.route(node, key, length);
      if (d) routes.push({ prefix: prefixText(family, key.split('/')[0]!, length), protocol: d.protocol, metric: d.metric, nextHops: nextHopsOf(net, d) });
    }
    return { device, family, routes };
  };

  // The intact network, noting per VIP which townships' paths run through which device.
  const through = new Map<string, Map<number, Set<string>>>(addresses.map((a) => [a, new Map()]));
  const base = question.ask(ribOf, {
    family,
    onVisit: (from, device, address) => {
      const node = net.nodeOf.get(device);
      if (node === undefined) return;
      const m = through.get(address)!;
      (m.get(node) ?? m.set(node, new Set()).get(node)!).add(from);
    },
  });
  const findings: ConfigFinding[] = base.map((f) => ({
    id: 'reach.services',
    family,
    object: `device:${f.from}`,
    message: `${f.from} does not reach ${f.target.service} at ${f.target.address} (${f.target.device}): ${f.reason}; path ${f.path.join(' → ')}`,
    at: ref(f.path[f.path.length - 1] ?? f.from),
  }));
  const brokenIntact = new Set(base.map((f) => `${f.from}|${f.target.address}`));

  let scenarios = 0;
  if (opts.failures !== false) {
    const keysOf = (list: readonly string[]) => [...new Set(list.flatMap((a) => rowsOf.get(a)!.map((r) => r.key)))];
    cp.baseline(keysOf(addresses), []);
    const baseAsbrs = asbrSignature(fw);
    const exits = new Set(originators);
    // The exits' defaults matter to a failure only where some device reaches a VIP by its default
    // (a device that loses the VIP's own route is marked changed anyway and looks its default up).
    const usesDefault = intact.some((m) => m?.decision?.length === 0);
    const routers = usesDefault ? originators : [];
    for (const s of failureScenarios(topology, net)) {
      if (opts.scenarioFilter && !opts.scenarioFilter(s.name)) continue;
      scenarios++;
      if (opts.method === 'straight') {
        // The reference: a fresh control plane, every township and VIP asked.
        const cps = new ControlPlane(net);
        cps.apply(s.scenario);
        const fws = new Forwarding(cps);
        const lookup = (device: string, f: Family, address: string) => {
          const node = net.nodeOf.get(device);
          return f !== family || node === undefined || !cps.nodeUp[node] ? undefined : tableOf(fws, node, device, address);
        };
        const lost = question
          .ask(lookup, { family, failure: s.name, skip: new Set(s.scenario.nodes.map(id)) })
          .filter((f) => !brokenIntact.has(`${f.from}|${f.target.address}`));
        if (lost.length) findings.push(scenarioFinding(family, s.name, lost, ref));
        continue;
      }
      // A failure changes the path towards a VIP only where it takes out a device on it or a link at
      // one of them: costs only grow, so a device off every shortest path keeps its choice. The
      // exits are the exception (the default they originate may move), so at one every VIP is asked.
      const hit = failedNodes(net, s.name, s.scenario);
      const relevant = hit.some((n) => exits.has(n)) ? addresses : addresses.filter((a) => hit.some((n) => through.get(a)!.has(n)));
      if (!relevant.length) continue;
      const keys = keysOf(relevant);
      cp.apply(s.scenario);
      fw.reset();
      for (const key of keys) cp.prefix(key);
      for (const o of routers) cp.router(o);
      inScenario = true;
      changed = asbrSignature(fw) === baseAsbrs ? changedNodes(cp, keys, routers) : undefined;
      // A township's walk reads only the tables of the devices it visits (service-reach.ts), so when
      // every device on its intact paths holds the same routes for the VIP as intact, it walks the
      // intact paths again and arrives as it did: only townships through a device whose table for
      // the VIP differs (a failed device has none) are asked. `changed` narrows whose table may differ.
      const sources = new Set<string>();
      const ask = (a: string, node: number, from: Set<string>) => {
        const slot = slotOf.get(a)!;
        const before = intact[node * width + slot];
        if (before && cp.nodeUp[node] && sameWalk(before, matchAt(node, slot), ribOfMatch)) return;
        for (const f of from) sources.add(f);
      };
      // the few changed devices looked up in a VIP's index, not the index (up to every device) scanned
      const changedList: number[] = [];
      if (changed) for (let node = 0; node < changed.length; node++) if (changed[node]) changedList.push(node);
      for (const a of relevant) {
        const m = through.get(a)!;
        if (!changed) for (const [node, from] of m) ask(a, node, from);
        else
          for (const node of changedList) {
            const from = m.get(node);
            if (from) ask(a, node, from);
          }
      }
      const lost = sources.size
        ? question
            .ask(ribOf, { family, failure: s.name, skip: new Set(s.scenario.nodes.map(id)), sources, addresses: new Set(relevant) })
            .filter((f) => !brokenIntact.has(`${f.from}|${f.target.address}`))
        : [];
      if (lost.length) findings.push(scenarioFinding(family, s.name, lost, ref));
      cp.restore();
      fresh.clear();
      inScenario = false;
    }
    fw.reset();
  }
  return { findings, scenarios };
}

/** A device's longest-prefix match for a VIP, and its one-route table once a walk or a comparison needs it. */
interface Match {
  device: string;
  decision: Decision | undefined;
  rib?: DeviceRib;
}

/**
 * The same walk through a device (what service-reach.ts reads of its match: the prefix, whether it
 * is connected, the next hops' interfaces and neighbours in order): the same decision hop for hop
 * settles it without building the route; otherwise the routes' next hops are compared as built.
 */
function sameWalk(a: Match, b: Match, ribOf: (m: Match) => DeviceRib): boolean {
  const x = a.decision;
  const y = b.decision;
  if (!x || !y) return x === y;
  if (x.key !== y.key || x.protocol !== y.protocol) return false;
  if (
    x.hops.length === y.hops.length &&
    x.hops.every((h, i) => h.iface === y.hops[i]!.iface && h.toNode === y.hops[i]!.toNode && h.viaHex === y.hops[i]!.viaHex)
  )
    return true;
  const p = ribOf(a).routes[0]!.nextHops;
  const q = ribOf(b).routes[0]!.nextHops;
  return p.length === q.length && p.every((h, k) => h.interface === q[k]!.interface && h.neighbour === q[k]!.neighbour);
}

/** The devices a scenario takes out or cuts an interface of. */
function failedNodes(net: FamilyNet, name: string, s: Scenario): number[] {
  const ifaces = name.startsWith('link:') ? (net.endsOfLink.get(name.slice('link:'.length)) ?? s.ifaces) : s.ifaces;
  return [...s.nodes, ...ifaces.map((i) => net.ifaces[i]!.node)];
}

function scenarioFinding(family: Family, scenario: string, lost: ServiceReachFailure[], ref: (device: string) => SourceRef[]): ConfigFinding {
  const townships = new Set(lost.map((l) => l.from)).size;
  const services = [...new Set(lost.map((l) => `${l.target.service} ${l.target.address}`))];
  const examples = lost.slice(0, EXAMPLES).map((l) => `${l.from} → ${l.target.address} (${l.reason})`);
  return {
    id: 'failure.services',
    family,
    object: scenario,
    message:
      `losing ${scenario.replace(/^(\w+):/, '$1 ')}: ${townships} ${townships === 1 ? 'township loses' : 'townships lose'} ${services.join(', ')}: ` +
      `${examples.join('; ')}${lost.length > EXAMPLES ? ` and ${lost.length - EXAMPLES} more` : ''}`,
    at: [...new Set(lost.slice(0, EXAMPLES).map((l) => l.from))].flatMap(ref),
  };
}
