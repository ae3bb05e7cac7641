/**
 * Single-failure analysis per family: every bridge is a link whose loss cuts part of the network
 * off, every articulation point a device whose loss does. The DFS is rooted at the internet node
 * (or the province core when a family has no upstream), so "cut off" means cut off from the core
 * and the exit; nodes not reachable from the root at all are the reachability check's business.
 * A single-router site (a township) is out when its own router fails: that is the design, not a
 * finding, so a device failure reports only the *other* sites it takes down.
 */
import type { Family } from '../types.js';
import { nodeName, type FamilyGraph } from './graph.js';
import { lowLink, type LowLink } from './tarjan.js';
import { byObject, type VerificationCheck, type VerificationFailure } from './report.js';

/** Upper bound on nodes scanned to name cut-off sites, so a pathological input stays fast. */
const SCAN_BUDGET = 2_000_000;
const NAMED_SITES = 10;

export function chooseRoot(g: FamilyGraph): number {
  if (g.upstream >= 0 && g.offsets[g.upstream + 1]! > g.offsets[g.upstream]!) return g.upstream;
  if (g.coreNodes.length) return g.coreNodes[0]!;
  return g.nodeCount ? 0 : -1;
}

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

function describe(what: string, cut: CutOff): string {
  const named = cut.sites.slice(0, NAMED_SITES).join(', ');
  const more = cut.sites.length > NAMED_SITES ? ` and ${cut.sites.length - NAMED_SITES} more` : '';
  const partial = cut.complete ? '' : ' (site list truncated)';
  const siteWord = cut.sites.length === 1 ? 'site' : 'sites';
  return `${what} cuts off ${cut.sites.length} ${siteWord} (${cut.devices} devices) from the core and the exit: ${named}${more}${partial}`;
}

export function singleFailureChecks(g: FamilyGraph): VerificationCheck[] {
  const family: Family = g.family;
  const root = chooseRoot(g);
  const ll = lowLink(g, root);
  const collector = new SiteCollector(g, ll);

  const linkFailures: VerificationFailure[] = [];
  for (const { edge, child } of ll.bridges) {
    const id = g.edgeIds[edge]!;
    const cut = collector.collect([child]);
    linkFailures.push({ object: `link:${id}`, message: describe(`losing link ${id}`, cut), cutOff: cut.sites });
  }

  const deviceFailures: VerificationFailure[] = [];
  for (const [node, children] of ll.articulation) {
    if (node === g.upstream) continue;
    const id = nodeName(g, node);
    const cut = collector.collect(children);
    const own = g.siteOfNode[node]!;
    deviceFailures.push({ object: `device:${id}`, message: describe(`losing device ${id} (site ${own})`, cut), cutOff: cut.sites });
  }
  linkFailures.sort(byObject);
  deviceFailures.sort(byObject);

  return [
    { id: 'failure.single-link', title: 'every single link failure leaves every site connected', family, passed: linkFailures.length === 0, failures: linkFailures },
    { id: 'failure.single-device', title: 'every single device failure leaves every other site connected', family, passed: deviceFailures.length === 0, failures: deviceFailures },
  ];
}
