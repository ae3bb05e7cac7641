/**
 * Drill scenarios: which centre is hit and how. Pure data.
 *
 * `xian-link-loss`: in the declared topology the two Xi'an centres have no direct link; everything
 * between them — replication included — crosses the same-city centre's two uplinks to the province
 * cores. Losing "the link between the Xi'an centres" is therefore modelled as losing those uplinks
 * while the same-city database keeps running (unlike `same-city-loss`, whose processes die): the
 * runbook must not promote it (split brain), only stop waiting for it.
 */
import { inputError } from '../lib/errors.js';
import type { DrLayout, DrRole } from './layout.js';

type ScenarioId = 'production-loss' | 'same-city-loss' | 'xian-link-loss' | 'remote-isolation';

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** The centre whose links go down. */
  hits: DrRole;
  /** Also stop the centre's database (the centre is lost, not only cut off). */
  stopsProcesses: boolean;
  /** What the runbook does. */
  runbook: 'promote' | 'degrade-sync' | 'observe';
}

export const SCENARIOS: readonly Scenario[] = [
  { id: 'production-loss', title: 'loss of the production centre', hits: 'production', stopsProcesses: true, runbook: 'promote' },
  { id: 'same-city-loss', title: 'loss of the same-city DR centre', hits: 'same-city', stopsProcesses: true, runbook: 'degrade-sync' },
  {
    id: 'xian-link-loss',
    title: "loss of the links between the Xi'an centres (the same-city centre's uplinks)",
    hits: 'same-city',
    stopsProcesses: false,
    runbook: 'degrade-sync',
  },
  { id: 'remote-isolation', title: 'isolation of the remote DR centre', hits: 'remote', stopsProcesses: false, runbook: 'observe' },
];

export function scenario(id: string, layout?: DrLayout): Scenario {
  const s = SCENARIOS.find((x) => x.id === id);
  if (!s) throw inputError('E_DR_SCENARIO', '(command line)', '--scenario', `unknown scenario "${id}"`, `scenarios: ${SCENARIOS.map((x) => x.id).join(', ')}`);
  if (layout && !layout.nodes.some((n) => n.role === s.hits)) {
    throw inputError(
      'E_DR_SCENARIO',
      '(command line)',
      '--scenario',
      `class ${layout.protectionClass.id} keeps no replica in the ${s.hits} centre: scenario "${id}" does not apply`,
      'pick another --class or scenario',
    );
  }
  return s;
}
