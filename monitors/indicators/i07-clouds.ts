/**
 * 7 — cloud platform integration: clouds registered in the multi-cloud manager (clouds.yaml
 * `managed: true`) AND answering their probes now (the daemon watches `platform:<id>` and holds no
 * open platform-down fault for it) / all clouds of the registry. Without probe data the registered
 * share alone, declared, and the row says so.
 */
import { defineIndicator, type Computed } from './define.js';

const FRESH_MS = 5 * 60_000;

export default defineIndicator({
  id: 7,
  requires: ['clouds', 'store'],
  compute: ({ clouds, store }): Computed => {
    const definition = 'clouds registered in the multi-cloud manager and answering their probes / all clouds in the registry';
    if (!clouds)
      return {
        status: 'unavailable',
        reason: 'the inventory has no clouds file (province.yaml files.clouds)',
        definition,
        basis: 'declared',
        source: 'inventory',
        measuredAt: null,
      };
    const all = clouds.registry.clouds;
    const managed = all.filter((c) => c.managed);
    const probed = new Set((store?.objects ?? []).filter((o) => o.type === 'platform').map((o) => o.object.replace(/^platform:/, '')));
    const lastSeen = store?.spans.length ? Math.max(...store.spans.map((s) => s.to)) : null;
    if (store && probed.size && lastSeen !== null && store.now - lastSeen <= FRESH_MS) {
      const down = new Set(store.faults.filter((f) => f.kind === 'platform-down' && f.clearedAt === null).map((f) => f.object.replace(/^platform:/, '')));
      const answering = managed.filter((c) => probed.has(c.id) && !down.has(c.id));
      return {
        status: 'ok',
        value: all.length ? answering.length / all.length : 0,
        numerator: answering.length,
        denominator: all.length,
        definition,
        basis: 'live',
        source: `clouds.yaml × platform probes (${probed.size} probed)`,
        measuredAt: lastSeen,
        detail: { registered: managed.length, not_probed: managed.filter((c) => !probed.has(c.id)).map((c) => c.id), down: [...down] },
      };
    }
    return {
      status: 'ok',
      value: all.length ? managed.length / all.length : 0,
      numerator: managed.length,
      denominator: all.length,
      definition: 'clouds registered in the multi-cloud manager / all clouds in the registry',
      basis: 'declared',
      source: 'inventory/clouds.yaml (managed)',
      measuredAt: null,
      note: 'no probe data: run `stacks daemon --platforms-from-inventory` to count only clouds that answer',
    };
  },
});
