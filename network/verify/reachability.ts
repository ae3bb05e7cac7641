/**
 * Reachability per family: every device of every site must reach the province core and the
 * internet beyond the unified exit. In an undirected graph "reaches" is "same component as the
 * destination node", so one BFS labelling per destination graph answers it for every device.
 */
import { components, type FamilyGraph } from './graph.js';
import { byObject, type VerificationCheck, type VerificationFailure } from './report.js';

function unreachableBySite(g: FamilyGraph): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const attached = g.upstream >= 0 && g.offsets[g.upstream + 1]! > g.offsets[g.upstream]!;
  const label = components(g);
  for (let n = 0; n < g.devices.length; n++) {
    if (attached && label[n] === label[g.upstream]) continue;
    const site = g.siteOfNode[n]!;
    const list = out.get(site);
    if (list) list.push(g.devices[n]!);
    else out.set(site, [g.devices[n]!]);
  }
  return out;
}

export function reachabilityChecks(core: FamilyGraph, exit: FamilyGraph): VerificationCheck[] {
  const fam = core.family === 'ipv4' ? 'IPv4' : 'IPv6';
  const coreFailures: VerificationFailure[] = [];
  if (core.coreNodes.length === 0) coreFailures.push({ object: 'core', message: 'the province site has no core router' });
  else {
    for (const [site, devices] of unreachableBySite(core)) {
      coreFailures.push({ object: `site:${site}`, message: `${devices.join(', ')} cannot reach the province core over ${fam}` });
    }
  }
  const exitFailures: VerificationFailure[] = [];
  if (exit.upstream < 0) exitFailures.push({ object: 'exit', message: `the internet exit has no ${fam} upstream address` });
  else if (exit.offsets[exit.upstream + 1] === exit.offsets[exit.upstream])
    exitFailures.push({ object: 'exit', message: `no exit device has an internet-facing ${fam} interface` });
  else {
    for (const [site, devices] of unreachableBySite(exit)) {
      exitFailures.push({ object: `site:${site}`, message: `${devices.join(', ')} cannot reach the internet exit over ${fam}` });
    }
  }
  coreFailures.sort(byObject);
  exitFailures.sort(byObject);
  return [
    { id: 'reach.core', title: 'every site reaches the province core', family: core.family, passed: coreFailures.length === 0, failures: coreFailures },
    { id: 'reach.exit', title: 'every site reaches the internet exit', family: exit.family, passed: exitFailures.length === 0, failures: exitFailures },
  ];
}
