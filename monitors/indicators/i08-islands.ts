/**
 * 8 — department information islands connected, from the migration journal: a non-classified
 * system counts when the journal has it on a managed extranet cloud (cut over, verified or
 * finalized) AND every system it depends on is too. The planned placement is not counted: a plan
 * connects nothing.
 */
import { onCloud } from '../../migrations/lifecycle.js';
import { defineIndicator, type Computed } from './define.js';

export default defineIndicator({
  id: 8,
  requires: ['clouds', 'migrations'],
  compute: ({ clouds, migrations }): Computed => {
    const definition =
      'non-classified systems migrated (journal: cutover/verified/finalized) onto a managed extranet cloud, with all their dependencies / non-classified systems';
    if (!clouds)
      return {
        status: 'unavailable',
        reason: 'the inventory has no clouds file (province.yaml files.clouds)',
        definition,
        basis: 'journal',
        source: 'migration journal',
        measuredAt: null,
      };
    const managed = new Set(clouds.registry.clouds.filter((c) => c.managed && c.onExtranet).map((c) => c.id));
    const migrated = new Set((migrations?.rows ?? []).filter((r) => onCloud(r.state) && managed.has(r.target_cloud)).map((r) => r.id));
    let denominator = 0;
    let numerator = 0;
    for (const s of clouds.systems) {
      if (s.classified) continue;
      denominator++;
      if (migrated.has(s.id) && (s.dependsOn ?? []).every((d) => migrated.has(d))) numerator++;
    }
    const common = {
      definition,
      basis: 'journal' as const,
      source: migrations ? 'migration journal' : 'no migration journal: nothing migrated yet',
      measuredAt: migrations?.at ?? null,
    };
    if (!denominator) return { status: 'no-data', reason: 'no non-classified system in the inventory', ...common };
    return { status: 'ok', value: numerator / denominator, numerator, denominator, ...common, detail: { migrated: migrated.size } };
  },
});
