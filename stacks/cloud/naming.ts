/**
 * Names and replication slots of the cloud and DR stacks: plain functions of the registry, used
 * where the stacks are listed (the main thread of synth) as well as where they are built.
 */
import { formatPrefix, parsePrefix, subnet } from '../../lib/ip.js';
import type { Cloud, CloudRegistry } from '../../cloud/types.js';
import type { ReplicationPair } from '../../cloud/dr.js';

/** Terraform names: letters, digits, underscores, dashes; never starting with a digit. */
export const tfName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^(\d)/, '_$1');

export function cloudStackName(cloud: Cloud): string {
  return `cloud-${cloud.id}`;
}

/**
 * Replication subnets: the pool is cut into /24 + /64 slots handed out in order of pair id, the
 * replica side first, then each source cloud, so the plan is stable while pairs keep their order.
 */
export function replicationSlots(reg: CloudRegistry, pairs: readonly ReplicationPair[]): Map<string, { ipv4: string; ipv6: string }> {
  const v4 = parsePrefix(reg.dr.replicationPool.ipv4);
  const v6 = parsePrefix(reg.dr.replicationPool.ipv6);
  const slots = new Map<string, { ipv4: string; ipv6: string }>();
  let n = 0;
  for (const pair of pairs) {
    for (const key of [`${pair.id}/${pair.toCloud}`, ...pair.fromClouds.map((c) => `${pair.id}/${c}`)]) {
      slots.set(key, { ipv4: formatPrefix(subnet(v4, 24, n)), ipv6: formatPrefix(subnet(v6, 64, n)) });
      n++;
    }
  }
  return slots;
}
