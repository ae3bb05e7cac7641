/**
 * 3 — extranet coverage of province/city/county sites. Live when the daemon watches the deployed
 * network: a site is covered when one of its routers answers the poller now (no open
 * device-unreachable fault and watched within the last poll windows). Without a store that
 * watches devices, the topology's legacy membership, declared.
 */
import type { Level } from '../../network/types.js';
import { defineIndicator, type Computed } from './define.js';

/** Levels indicator 3 counts (the plan: province, city, county); townships are reported beside them. */
const COVERAGE_LEVELS: readonly Level[] = ['province', 'city', 'county'];
/** A daemon whose last heartbeat is older than this is not watching now. */
const FRESH_MS = 5 * 60_000;

export default defineIndicator({
  id: 3,
  requires: ['topology', 'store'],
  compute: ({ topology: t, store }): Computed => {
    const definition = 'province/city/county sites reachable on the deployed extranet / all such sites in the topology';
    const deviceSite = new Map(t.devices.map((d) => [`device:${d.id}`, d.site]));
    const watchedDevices = (store?.objects ?? []).filter((o) => o.type === 'device' && deviceSite.has(o.object));
    const lastSeen = store?.spans.length ? Math.max(...store.spans.map((s) => s.to)) : null;
    const by = (levels: readonly Level[], covered: (siteId: string, legacy: readonly string[]) => boolean) => {
      const sites = t.sites.filter((s) => levels.includes(s.level));
      return { covered: sites.filter((s) => covered(s.id, s.legacy)).length, total: sites.length };
    };
    if (store && watchedDevices.length && lastSeen !== null && store.now - lastSeen <= FRESH_MS) {
      const down = new Set(store.faults.filter((f) => f.kind === 'device-unreachable' && f.clearedAt === null).map((f) => f.object));
      const reachable = new Set(watchedDevices.filter((o) => !down.has(o.object)).map((o) => deviceSite.get(o.object)!));
      const main = by(COVERAGE_LEVELS, (id) => reachable.has(id));
      const township = by(['township'], (id) => reachable.has(id));
      if (main.total === 0)
        return {
          status: 'no-data',
          reason: 'the topology has no province/city/county sites',
          definition,
          basis: 'live',
          source: 'fault store',
          measuredAt: lastSeen,
        };
      return {
        status: 'ok',
        value: main.covered / main.total,
        numerator: main.covered,
        denominator: main.total,
        definition,
        basis: 'live',
        source: `monitoring daemon (${watchedDevices.length} devices polled)`,
        measuredAt: lastSeen,
        detail: { townships_covered: township.covered, townships_total: township.total },
      };
    }
    const main = by(COVERAGE_LEVELS, (_id, legacy) => legacy.length > 0);
    const township = by(['township'], (_id, legacy) => legacy.length > 0);
    if (main.total === 0)
      return {
        status: 'no-data',
        reason: 'the topology has no province/city/county sites',
        definition,
        basis: 'declared',
        source: 'topology',
        measuredAt: null,
      };
    return {
      status: 'ok',
      value: main.covered / main.total,
      numerator: main.covered,
      denominator: main.total,
      definition: 'province/city/county sites served by either legacy extranet being merged / all such sites in the topology',
      basis: 'declared',
      source: 'inventory (legacy membership)',
      measuredAt: null,
      note: 'no daemon is watching the deployed network: run `stacks daemon` for the live figure',
      detail: {
        townships_covered: township.covered,
        townships_total: township.total,
        township_rate: township.total ? township.covered / township.total : null,
      },
    };
  },
});
