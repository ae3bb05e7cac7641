/**
 * Verification of the modelled network, both families: reachability to the core and the exit,
 * single-link and single-device failure analysis, unique addresses and router IDs, no overlapping
 * prefixes, and uplink oversubscription per level. Pure: a Topology in, a report out.
 */
import { FAMILIES, type Topology } from '../types.js';
import { duplicateAddressCheck, duplicateRouterIdCheck, prefixOverlapCheck } from './addressing.js';
import { buildFamilyGraph, graphBase } from './graph.js';
import { oversubscriptionCheck, type OversubscriptionThreshold } from './oversubscription.js';
import { reachabilityChecks } from './reachability.js';
import { summarize, type VerificationCheck, type VerificationReport } from './report.js';
import { singleFailureChecks } from './resilience.js';

export interface VerifyOptions {
  /** Oversubscription above this ratio (overall or per parent level) fails; default: report only. */
  maxOversubscription?: OversubscriptionThreshold;
}

export function verifyTopology(topology: Topology, opts: VerifyOptions = {}): VerificationReport {
  const checks: VerificationCheck[] = [];
  const base = graphBase(topology);
  for (const family of FAMILIES) {
    const core = buildFamilyGraph(topology, family, 'core', base);
    const exit = buildFamilyGraph(topology, family, 'exit', base);
    checks.push(...reachabilityChecks(core, exit), ...singleFailureChecks(core, exit));
  }
  checks.push(duplicateAddressCheck(topology), duplicateRouterIdCheck(topology), prefixOverlapCheck(topology));
  checks.push(oversubscriptionCheck(topology, opts.maxOversubscription));
  return summarize('model', checks, { sites: topology.sites.length, devices: topology.devices.length, links: topology.links.length });
}

export * from './report.js';
