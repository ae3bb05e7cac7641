/**
 * The checks synth runs before it writes anything: model verification (both families), the
 * config-level verification of the device configs it rendered (both dialects), and every
 * registered policy. A design that fails a hard check is not synthesized unless forced, and the
 * reports go into the backbone stack either way so a reviewer reads them beside the configs.
 */
import { verifyTopology, renderVerificationJson, type VerificationReport } from '../network/verify/index.js';
import { allPolicies } from '../policies/all.js';
import { runPolicies, type PolicyReport } from '../policies/run.js';
import { renderPolicyJson } from '../policies/render.js';
import { renderSarif } from '../policies/sarif.js';
import { sourceLocator } from '../policies/source-lines.js';
import { cloudModelOf, type SynthModel } from './synth.js';
import { combineReports, verifySynthesizedConfigs } from '../network/verify/config/index.js';
import type { LoadedConfig } from '../network/verify/config/adjacency.js';
import type { DialectId } from '../network/render/index.js';
import { vrpFactsOfParsed, type VrpConfigFacts } from '../policies/network/vrp-config-facts.js';

export interface DesignChecks {
  verification: VerificationReport;
  policy: PolicyReport;
  passed: boolean;
  /** Seconds each part took (model verification, config verification, policies): the bench prints them. */
  timings: Record<string, number>;
}

/**
 * `configs`: the backbone stack's files as synth rendered them; their device configs are verified
 * at config level too (issue 10: a renderer bug must not print "verification passed").
 */
export async function runDesignChecks(model: SynthModel, configs?: ReadonlyMap<string, string>): Promise<DesignChecks> {
  const t0 = performance.now();
  const modelChecks = verifyTopology(model.topology);
  const t1 = performance.now();
  // The VRP facts the policies read (admin states, management plane) are taken from the verifier's
  // parse, so no config is parsed twice; the parsed configs themselves are dropped per dialect.
  let vrpConfigFacts: VrpConfigFacts | undefined;
  const onLoaded = (dialect: DialectId, loaded: readonly LoadedConfig[]) => {
    if (dialect === 'vrp') vrpConfigFacts = vrpFactsOfParsed(loaded);
  };
  const verification = configs ? combineReports(modelChecks, verifySynthesizedConfigs(model.topology, configs, { onLoaded })) : modelChecks;
  const t2 = performance.now();
  const registry = allPolicies();
  const rules = registry.all();
  // Hand the policies what synth already built, so neither the topology nor the cloud model is built twice.
  const cloud = cloudModelOf(model);
  const policy = runPolicies(
    rules,
    await registry.inputsFor(model.inventory, rules, {
      topology: model.topology,
      ...(cloud ? { cloud } : {}),
      ...(vrpConfigFacts ? { vrpConfigFacts } : {}),
    }),
  );
  const t3 = performance.now();
  const seconds = (a: number, b: number) => Math.round(b - a) / 1000;
  const timings = { model_verify: seconds(t0, t1), config_verify: seconds(t1, t2), policies: seconds(t2, t3) };
  return { verification, policy, passed: verification.summary.passed && policy.summary.passedHard, timings };
}

export function designCheckFiles(checks: DesignChecks, inventoryDir: string): Map<string, string> {
  // URIs relative to the inventory (%SRCROOT%) with line numbers; the base itself is left for the
  // SARIF viewer to supply, so the synthesized file is the same on every machine.
  const sarif = renderSarif(checks.policy, { toolName: 'stacks-policy', toolVersion: '0.1.0', baseDir: inventoryDir, locate: sourceLocator() });
  for (const run of (sarif.runs as unknown as Array<Record<string, unknown>>) ?? []) delete run.originalUriBaseIds;
  return new Map([
    ['reports/verification.json', renderVerificationJson(checks.verification)],
    ['reports/policy.json', renderPolicyJson(checks.policy)],
    ['reports/policy.sarif', JSON.stringify(sarif, null, 2) + '\n'],
  ]);
}
