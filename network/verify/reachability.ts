/**
 * Reachability per family: every device of every site must sit in the same connected component as
 * the province core and as the internet beyond the unified exit. In an undirected graph "reaches"
 * is "same component", so one BFS labelling answers both questions for every device at once.
 */
import { components, type FamilyGraph } from './graph.js';
import { byObject, type VerificationCheck, type VerificationFailure } from './report.js';

export function reachabilityChecks(g: FamilyGraph): VerificationCheck[] {
  const label = components(g);
  const coreLabels = new Set(g.coreNodes.map((n) => label[n]!));
  const exitLabel = g.upstream >= 0 ? label[g.upstream]! : -1;
  const exitConnected = g.upstream >= 0 && g.offsets[g.upstream + 1]! > g.offsets[g.upstream]!;

  // Group unreachable devices by site so the report names sites first.
  const noCore = new Map<string, string[]>();
  const noExit = new Map<string, string[]>();
  for (let n = 0; n < g.devices.length; n++) {
    const site = g.siteOfNode[n]!;
    if (!coreLabels.has(label[n]!)) push(noCore, site, g.devices[n]!);
    if (!exitConnected || label[n] !== exitLabel) push(noExit, site, g.devices[n]!);
  }
  const fam = g.family === 'ipv4' ? 'IPv4' : 'IPv6';
  const coreFailures: VerificationFailure[] = [];
  if (g.coreNodes.length === 0) coreFailures.push({ object: 'site:province', message: 'the province site has no core router' });
  for (const [site, devices] of noCore) {
    coreFailures.push({ object: `site:${site}`, message: `${devices.join(', ')} cannot reach the province core over ${fam}` });
  }
  const exitFailures: VerificationFailure[] = [];
  if (g.upstream < 0) exitFailures.push({ object: 'exit', message: `the internet exit has no ${fam} upstream address` });
  else if (!exitConnected) exitFailures.push({ object: 'exit', message: `no exit device has an internet-facing ${fam} interface` });
  else {
    for (const [site, devices] of noExit) {
      exitFailures.push({ object: `site:${site}`, message: `${devices.join(', ')} cannot reach the internet exit over ${fam}` });
    }
  }
  coreFailures.sort(byObject);
  exitFailures.sort(byObject);
  return [
    { id: 'reach.core', title: 'every site reaches the province core', family: g.family, passed: coreFailures.length === 0, failures: coreFailures },
    { id: 'reach.exit', title: 'every site reaches the internet exit', family: g.family, passed: exitFailures.length === 0, failures: exitFailures },
  ];
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
