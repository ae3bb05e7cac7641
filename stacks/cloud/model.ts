/**
 * Everything the cloud and DR stacks render from, computed once per synth: the registry, the
 * systems, their placement and the DR report. Bad input stops here, before anything is written:
 * a system that cannot be placed (other than a classified one, retained by rule) is an error naming
 * the systems file and the row.
 */
import type { Inventory } from '../../inventory/load.js';
import { StacksErrors, inputError } from '../../lib/errors.js';
import type { Topology } from '../../network/types.js';
import {
  buildRegistry,
  drReport,
  loadClouds,
  placeSystems,
  systemsFor,
  type CloudRegistry,
  type DrReport,
  type Placement,
  type System,
} from '../../cloud/index.js';
import type { SystemsSource } from '../../cloud/systems.js';

export interface CloudModel {
  registry: CloudRegistry;
  source: SystemsSource;
  systems: System[];
  placement: Placement;
  dr: DrReport;
}

export interface CloudModelOptions {
  /** Systems to place instead of the inventory's (benchmarks, tests). */
  systems?: System[];
  /**
   * Accept unplaceable systems (report them) instead of failing: `stacks clouds` shows them. The
   * generated sample (no systems file) is always accepted: its misfits are the policies' to flag.
   */
  allowUnplaced?: boolean;
}

export function buildCloudModel(inv: Inventory, topology: Topology, opts: CloudModelOptions = {}): CloudModel | undefined {
  const loaded = loadClouds(inv);
  if (!loaded) return undefined;
  const registry = buildRegistry(inv, topology, loaded);
  const source: SystemsSource = opts.systems ? { systems: opts.systems, origin: 'file', file: '(given)' } : systemsFor(inv, loaded);
  const placement = placeSystems(registry, source.systems);
  const model = { registry, source, systems: source.systems, placement, dr: drReport(registry, source.systems, placement, topology) };
  if (!opts.allowUnplaced) requirePlaced(model);
  return model;
}

/** Every system from a systems file placed (classified ones retained by rule), else an error per row. */
export function requirePlaced({ source, placement }: CloudModel): void {
  if (source.origin === 'file') assertPlaced(source, placement);
}

function assertPlaced(source: SystemsSource, placement: Placement): void {
  const failed = placement.unplaced.filter((u) => u.kind !== 'classified');
  if (!failed.length) return;
  const row = new Map(source.systems.map((s, i) => [s.id, i]));
  const file = source.file ?? '(systems)';
  throw new StacksErrors(
    failed.map((u) => inputError('E_PLACEMENT', file, `systems[${row.get(u.system)}] (${u.system})`, `cannot be placed: ${u.reason}`, hintFor(u.kind))),
  );
}

function hintFor(kind: string): string {
  switch (kind) {
    case 'no-replica-target':
      return 'choose a protection class whose replica centres exist for this system, or add a DR pool';
    case 'quota':
      return 'raise the tenant quota in clouds.yaml (within the cloud capacity)';
    case 'capacity':
      return 'add capacity to an availability zone in clouds.yaml';
    case 'not-a-tenant':
      return 'add the department to the cloud tenants in clouds.yaml';
    default:
      return 'check the system row against clouds.yaml';
  }
}
