/**
 * Single-failure analysis per family: every bridge is a link whose loss cuts part of the network
 * off, every articulation point a device whose loss does. It runs once per destination graph (the
 * province core, the internet exit; see graph.ts), each DFS rooted at the destination node, which
 * never fails itself; nodes not reachable from it at all are the reachability check's business.
 * A single-router site (a township) is out when its own router fails: that is the design, not a
 * finding, so a device failure reports only the devices — and so the sites — it takes down besides.
 */
import { nodeName, type FamilyGraph } from './graph.js';
import { lowLink, type LowLink } from './tarjan.js';
import { byObject, type VerificationCheck, type VerificationFailure } from './report.js';

/** Upper bound on nodes scanned to name cut-off sites, so a pathological input stays fast. */
const SCAN_BUDGET = 2_000_000;
const NAMED_SITES = 10;

interface CutOff {
  devices: number;
  sites: string[];
  complete: boolean;
}

class SiteCollector {
  private budget = SCAN_BUDGET;
  constructor(
    private readonly g: FamilyGraph,
    private readonly ll: LowLink,
  ) {}

  collect(children: number[]): CutOff {
    const sites = new Set<string>();
    let devices = 0;
    let complete = true;
    for (const child of children) {
      const start = this.ll.disc[child]!;
      const end = start + this.ll.size[child]!;
      for (let i = start; i < end; i++) {
        const node = this.ll.order[i]!;
        if (node === this.g.upstream) continue;
        devices++;
        if (this.budget <= 0) {
          complete = false;
          continue;
        }
        this.budget--;
        sites.add(this.g.siteOfNode[node]!);
      }
    }
    return { devices, sites: [...sites].sort(), complete };
  }
}

type Found = Map<string, { what: string; core?: CutOff; exit?: CutOff }>;

function analyse(g: FamilyGraph, links: Found, devices: Found): void {
  if (g.upstream < 0 || g.offsets[g.upstream + 1] === g.offsets[g.upstream]) return;
  const ll = lowLink(g, g.upstream);
  const collector = new SiteCollector(g, ll);
  for (const { edge, child } of ll.bridges) {
    if (g.virtualEdges.has(edge)) continue;
    const id = g.edgeIds[edge]!;
    const entry = links.get(`link:${id}`) ?? links.set(`link:${id}`, { what: `losing link ${id}` }).get(`link:${id}`)!;
    entry[g.destination] = collector.collect([child]);
  }
  for (const [node, children] of ll.articulation) {
    if (node === g.upstream) continue;
    const id = nodeName(g, node);
    const key = `device:${id}`;
    const entry = devices.get(key) ?? devices.set(key, { what: `losing device ${id} (site ${g.siteOfNode[node]})` }).get(key)!;
    entry[g.destination] = collector.collect(children);
  }
}

function sitesText(cut: CutOff): string {
  const named = cut.sites.slice(0, NAMED_SITES).join(', ');
  const more = cut.sites.length > NAMED_SITES ? ` and ${cut.sites.length - NAMED_SITES} more` : '';
  const partial = cut.complete ? '' : ' (site list truncated)';
  return `${cut.sites.length} ${cut.sites.length === 1 ? 'site' : 'sites'} (${cut.devices} ${cut.devices === 1 ? 'device' : 'devices'}): ${named}${more}${partial}`;
}

function toFailures(found: Found): VerificationFailure[] {
  const out: VerificationFailure[] = [];
  for (const [object, { what, core, exit }] of found) {
    const same = core && exit && core.devices === exit.devices && core.sites.join() === exit.sites.join();
    let message: string;
    if (same) message = `${what} cuts off ${sitesText(core)} from the core and the exit`;
    else {
      const parts = [core ? `from the province core ${sitesText(core)}` : '', exit ? `from the internet exit ${sitesText(exit)}` : ''].filter(Boolean);
      message = `${what} cuts off ${parts.join('; ')}`;
    }
    const cutOff = [...new Set([...(core?.sites ?? []), ...(exit?.sites ?? [])])].sort();
    out.push({ object, message, cutOff });
  }
  return out.sort(byObject);
}

export function singleFailureChecks(core: FamilyGraph, exit: FamilyGraph): VerificationCheck[] {
  const links: Found = new Map();
  const devices: Found = new Map();
  analyse(core, links, devices);
  analyse(exit, links, devices);
  const linkFailures = toFailures(links);
  const deviceFailures = toFailures(devices);
  return [
    {
      id: 'failure.single-link',
      title: 'every single link failure leaves every site connected',
      family: core.family,
      passed: linkFailures.length === 0,
      failures: linkFailures,
    },
    {
      id: 'failure.single-device',
      title: 'every single device failure leaves every other site connected',
      family: core.family,
      passed: deviceFailures.length === 0,
      failures: deviceFailures,
    },
  ];
}
