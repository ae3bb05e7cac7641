/**
 * The one place an operator's change to a fault is committed — from the CLI (`stacks faults
 * ack|assign|note|resolve|close`), the NOC page and the Alertmanager webhook alike — so that every
 * lifecycle change passes one seam. The audit trail (issue 13's `audit/`) hooks in here.
 */
import type { ActResult, FaultStore } from '../store/store.js';
import type { LifecycleAction } from './lifecycle.js';

export async function commitFaultAction(store: FaultStore, action: LifecycleAction, causes: readonly string[]): Promise<ActResult> {
  const result = await store.act(action, causes);
  // Audit hook: record (action, result) in the audit trail here once audit/ is merged.
  return result;
}
