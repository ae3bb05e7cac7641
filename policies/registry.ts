/**
 * The rule registry and the input providers. A capability registers its rules (and, when its
 * rules inspect something new, a provider that builds that input from the inventory) from its own
 * module; `policies/all.ts` imports every such module once, so `stacks policy` sees them all.
 */
import type { Inventory } from '../inventory/load.js';
import type { AnyPolicy, PolicyInputName, PolicyInputs } from './types.js';

export class PolicyRegistry {
  private readonly rules = new Map<string, AnyPolicy>();
  private readonly providers = new Map<PolicyInputName, (inv: Inventory) => unknown>();

  /** Add rules; an ID registered twice is a programming error. */
  register(...rules: AnyPolicy[]): this {
    for (const rule of rules) {
      if (!/^[A-Z]{2,5}-\d{3}$/.test(rule.id)) throw new Error(`policy id "${rule.id}" is not like NET-001`);
      if (this.rules.has(rule.id)) throw new Error(`policy ${rule.id} is registered twice`);
      this.rules.set(rule.id, rule);
    }
    return this;
  }

  /** How to build an input from the inventory (e.g. the topology), computed only when a rule needs it. */
  provide<K extends PolicyInputName>(name: K, build: (inv: Inventory) => NonNullable<PolicyInputs[K]> | Promise<NonNullable<PolicyInputs[K]>>): this {
    this.providers.set(name, build);
    return this;
  }

  all(): AnyPolicy[] {
    return [...this.rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  get(id: string): AnyPolicy | undefined {
    return this.rules.get(id);
  }

  /** The inputs the given rules need, built from the inventory (providers run once each). */
  async inputsFor(inventory: Inventory, rules: AnyPolicy[], given: Partial<PolicyInputs> = {}): Promise<PolicyInputs> {
    // `given` lets a caller that already built an input (synth builds the topology) skip its provider.
    const inputs: Record<string, unknown> = { inventory, ...given };
    const needed = new Set(rules.flatMap((r) => r.requires));
    for (const name of [...needed].sort()) {
      if (inputs[name] !== undefined) continue; // given { topology: undefined } still builds it
      const build = this.providers.get(name);
      if (build) inputs[name] = await build(inventory);
    }
    return inputs as PolicyInputs;
  }
}

/** The registry `stacks policy` uses. */
export const policyRegistry = new PolicyRegistry();
