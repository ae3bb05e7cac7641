/**
 * Every rule pack, registered once into the registry `stacks policy` runs. A capability with rules
 * of its own (CLD-xxx over the cloud model, …) adds one line here calling its pack's register
 * function; its rules and input provider then run whenever their inputs can be built.
 */
import { policyRegistry, type PolicyRegistry } from './registry.js';
import { registerNetworkPolicies } from './network/index.js';
import { registerCloudPolicies } from './cloud/index.js';

let loaded = false;

export function allPolicies(): PolicyRegistry {
  if (!loaded) {
    registerNetworkPolicies(policyRegistry);
    registerCloudPolicies(policyRegistry);
    loaded = true;
  }
  return policyRegistry;
}
