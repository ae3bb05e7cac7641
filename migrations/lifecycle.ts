/**
 * A system's migration lifecycle, in the style of AWS Application Migration Service: each step of
 * the runbook moves it one state on; a failed verification reverts it (`reverted`: the source serves
 * again and a later run may try afresh); a step that keeps failing leaves it `failed` where it was.
 */
export const LIFECYCLE = [
  'discovered',
  'assessed',
  'planned',
  'replicating',
  'ready-for-cutover',
  'cutting-over',
  'cutover',
  'verified',
  'finalized',
] as const;
export type LifecycleState = (typeof LIFECYCLE)[number] | 'reverted' | 'failed';

/** The runbook's steps in order, with the state a system is in while and after each runs. */
export const STEPS = [
  { step: 'precheck', during: 'planned', after: 'planned' },
  { step: 'replicate', during: 'replicating', after: 'replicating' },
  { step: 'start-target', during: 'replicating', after: 'replicating' },
  { step: 'health', during: 'replicating', after: 'ready-for-cutover' },
  { step: 'cutover', during: 'cutting-over', after: 'cutover' },
  { step: 'verify', during: 'cutover', after: 'verified' },
  { step: 'finalize', during: 'verified', after: 'finalized' },
] as const satisfies ReadonlyArray<{ step: string; during: LifecycleState; after: LifecycleState }>;
export type StepName = (typeof STEPS)[number]['step'];

const ORDER = new Map<LifecycleState, number>(LIFECYCLE.map((s, i) => [s, i]));

/** How far along a state is, 0..1 (for progress bars); reverted and failed count as not moved. */
export function progressOf(state: LifecycleState): number {
  const i = ORDER.get(state);
  if (i === undefined) return 0;
  const from = ORDER.get('planned')!;
  return Math.max(0, (i - from) / (LIFECYCLE.length - 1 - from));
}

/** On cloud: the name points at the target (cutover and after). */
export function onCloud(state: LifecycleState): boolean {
  return state === 'cutover' || state === 'verified' || state === 'finalized';
}
