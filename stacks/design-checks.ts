/**
 * The checks synth runs before it writes anything: model verification (both families) and every
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

export interface DesignChecks {
  verification: VerificationReport;
  policy: PolicyReport;
  passed: boolean;
}

export async function runDesignChecks(model: SynthModel): Promise<DesignChecks> {
  const verification = verifyTopology(model.topology);
  const registry = allPolicies();
  const rules = registry.all();
  // Hand the policies what synth already built, so neither the topology nor the cloud model is built twice.
  const cloud = cloudModelOf(model);
  const policy = runPolicies(rules, await registry.inputsFor(model.inventory, rules, { topology: model.topology, ...(cloud ? { cloud } : {}) }));
  return { verification, policy, passed: verification.summary.passed && policy.summary.passedHard };
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
