/**
 * A system's migration lifecycle, in the style of AWS Application Migration Service: each step of
 * the runbook moves it one state on; a failed verification reverts it (`reverted`: the source serves
 * again and a later run may try afresh); a step that keeps failing leaves it `failed` where it was.
 */
const LIFECYCLE = [
  'discovered',
  'assessed',
  'planned',
  'replicating',
  'ready-for-testing',
  'testing',
  'ready-for-cutover',
  'cutting-over',
  'cutover',
  'verified',
  'finalized',
] as const;
export type LifecycleState = (typeof LIFECYCLE)[number] | 'reverted' | 'failed';

export interface RunbookStep {
  step: StepName;
  during: LifecycleState;
  after: LifecycleState;
}

/** Every step any runbook has (steps.ts implements each once). */
export const STEP_NAMES = [
  'precheck',
  'initial-sync',
  'test-launch',
  'sync',
  'freeze',
  'final-sync',
  'verify-copy',
  'start-target',
  'health',
  'switch-name',
  'verify',
  'finalize',
  'pg-prepare',
  'pg-subscribe',
  'pg-catch-up',
  'pg-freeze',
  'pg-drain',
  'pg-verify',
  'pg-check-name',
  'pg-finalize',
  'container-spec',
  'archive',
  'verify-archive',
  'decommission',
  'remove-name',
  'finalize-decommission',
  'notify-dependants',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

const s = (step: StepName, during: LifecycleState, after: LifecycleState = during): RunbookStep => ({ step, during, after });

/** The cutover tail every moving runbook ends with: the service answers on the target, the name follows, checked through the name. */
const CUTOVER_TAIL = [
  s('start-target', 'cutting-over'),
  s('health', 'cutting-over'),
  s('switch-name', 'cutting-over', 'cutover'),
  s('verify', 'cutover', 'verified'),
  s('finalize', 'verified', 'finalized'),
];

/**
 * One runbook per strategy (the journal records which one a system ran):
 * - rehost: MGN-style replication — initial sync, a test launch on the target while the source keeps
 *   serving, continuous incremental rounds until the lag is small, then freeze, final delta, verify, switch.
 * - relocate: the unchanged VM moves at the hypervisor level — the same replication, no test launch
 *   (nothing about the machine changes), the shortest freeze.
 * - database (a rehost/relocate/replatform of a system whose inventory says PostgreSQL): logical
 *   replication, cutover at zero lag with writes paused.
 * - replatform: the data replicates as for a rehost, the service becomes a container workload on the
 *   cloud's Kubernetes (the Pulumi program's workloads file gets its image and config).
 * - repurchase / retire: decommission — data archived and checked, the source switched off, the name
 *   pointed at the replacement (repurchase) or removed (retire).
 * - retain: stays; every system that depends on it is told.
 */
export const RUNBOOKS = {
  rehost: [
    s('precheck', 'planned'),
    s('initial-sync', 'replicating', 'ready-for-testing'),
    s('test-launch', 'testing', 'replicating'),
    s('sync', 'replicating', 'ready-for-cutover'),
    s('freeze', 'cutting-over'),
    s('final-sync', 'cutting-over'),
    s('verify-copy', 'cutting-over'),
    ...CUTOVER_TAIL,
  ],
  relocate: [
    s('precheck', 'planned'),
    s('initial-sync', 'replicating'),
    s('sync', 'replicating', 'ready-for-cutover'),
    s('freeze', 'cutting-over'),
    s('final-sync', 'cutting-over'),
    s('verify-copy', 'cutting-over'),
    ...CUTOVER_TAIL,
  ],
  database: [
    s('pg-prepare', 'planned'),
    s('pg-subscribe', 'replicating'),
    s('pg-catch-up', 'replicating', 'ready-for-cutover'),
    s('pg-freeze', 'cutting-over'),
    s('pg-drain', 'cutting-over'),
    s('pg-verify', 'cutting-over'),
    s('switch-name', 'cutting-over', 'cutover'),
    s('pg-check-name', 'cutover', 'verified'),
    s('pg-finalize', 'verified', 'finalized'),
  ],
  replatform: [
    s('precheck', 'planned'),
    s('initial-sync', 'replicating'),
    s('container-spec', 'replicating', 'ready-for-testing'),
    s('test-launch', 'testing', 'replicating'),
    s('sync', 'replicating', 'ready-for-cutover'),
    s('freeze', 'cutting-over'),
    s('final-sync', 'cutting-over'),
    s('verify-copy', 'cutting-over'),
    ...CUTOVER_TAIL,
  ],
  decommission: [
    s('archive', 'planned'),
    s('verify-archive', 'planned'),
    s('decommission', 'cutting-over'),
    s('remove-name', 'cutting-over', 'cutover'),
    s('finalize-decommission', 'cutover', 'finalized'),
  ],
  retain: [s('notify-dependants', 'planned', 'finalized')],
} as const satisfies Record<string, readonly RunbookStep[]>;
export type RunbookKind = keyof typeof RUNBOOKS;

/** Which runbook a system of `strategy` runs (a database system replicates logically whatever its strategy). */
export function runbookFor(strategy: string, database: boolean): RunbookKind {
  if (strategy === 'retain') return 'retain';
  if (strategy === 'retire' || strategy === 'repurchase') return 'decommission';
  if (database) return 'database';
  if (strategy === 'relocate') return 'relocate';
  if (strategy === 'replatform') return 'replatform';
  return 'rehost';
}

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
