/**
 * Policy rules in the style of Checkov/Conftest: each rule has an ID (`NET-001`), a severity, a
 * title, and returns findings that name the resource they concern. A rule is generic over what it
 * inspects: it declares the inputs it needs (`requires`) and gets exactly those, typed; the runner
 * skips a rule whose inputs are not available. Other capabilities add inputs by augmenting
 * `PolicyInputs` from their own module:
 *
 *   declare module '../policies/types.js' { interface PolicyInputs { cloud?: CloudModel } }
 *
 * and add rules with `registerPolicies(...)` (policies/registry.ts).
 */
import type { Inventory } from '../inventory/load.js';
import type { Topology } from '../network/types.js';

/** Everything rules may inspect; each key is optional because a run may not have it. */
export interface PolicyInputs {
  inventory?: Inventory;
  topology?: Topology;
}

export type PolicyInputName = keyof PolicyInputs;

/**
 * What a rule with `requires: K[]` receives: those inputs, present, and the others as the run has
 * them (a rule may use an input it does not require when the caller already built it, e.g. synth's
 * parsed configs, and compute its own otherwise).
 */
export type InputsOf<K extends PolicyInputName> = { [P in K]-?: NonNullable<PolicyInputs[P]> } & Omit<PolicyInputs, K>;

/** hard: the design is wrong (exit 1); soft: worth a look (reported, exit 0). */
export type Severity = 'hard' | 'soft';

/** Where a finding points in the inventory, when it comes from a line a person wrote. */
export interface SourceLocation {
  file: string;
  /** Path inside the file, as the loader reports it: `private_networks[3].target`. */
  path?: string;
}

/** What a rule returns: the resource, the message, and optionally where in the inventory. */
export interface Violation {
  /** The resource as `kind:id`: `link:xian~up0`, `site:xian.yanta`, `private-network:audit-net`. */
  resource: string;
  message: string;
  location?: SourceLocation;
}

export interface Policy<Input> {
  id: string;
  title: string;
  severity: Severity;
  /** Why the rule exists (the plan's wording, the design rule); shown in SARIF rule help. */
  description: string;
  /** Names of the inputs the rule inspects; the rule runs only when all are available. */
  requires: readonly PolicyInputName[];
  check(input: Input): Violation[];
  /** The clauses of a standard the rule checks (e.g. GB/T 22239-2019 `8.1.4.1 b)`), for compliance reports. */
  clauses?: readonly string[];
  /** Where a person reads more about the rule (SARIF `helpUri`). */
  helpUri?: string;
}

/** A rule of any input, as the registry and the runner hold them. */
export type AnyPolicy = Policy<InputsOf<PolicyInputName>>;

/** Define a rule over the named inputs; `check` gets them typed and present. */
export function definePolicy<K extends PolicyInputName>(rule: Omit<Policy<InputsOf<K>>, 'requires'> & { requires: readonly K[] }): Policy<InputsOf<K>> {
  return rule;
}
