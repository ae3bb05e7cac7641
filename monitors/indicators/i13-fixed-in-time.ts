/**
 * 13 — network and platform faults fixed in time. "Fixed" is the resolve time (the inventory's fault
 * policy: auto-resolving kinds at the moment they clear, the rest — and every flapping fault — when
 * an operator resolves them). A flap is one fault, so bouncing links cannot lift the rate.
 */
import { OUTAGE_KINDS } from '../types.js';
import { WINDOWS, fixRate } from '../uptime.js';
import { defineIndicator, type Computed } from './define.js';

export default defineIndicator({
  id: 13,
  requires: ['store', 'fixWindowMs', 'policy'],
  compute: ({ store: s, fixWindowMs, policy }): Computed => {
    const hours = fixWindowMs / 3_600_000;
    const definition = `network and platform faults (device unreachable, link down, platform down) resolved within ${hours} h / such faults settled in the last 365 days (unresolved ones count once older than ${hours} h)`;
    const common = { definition, basis: 'live' as const, source: 'fault store' };
    if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon`', ...common, measuredAt: null };
    const r = fixRate(s.faults, s.now - WINDOWS['365d'], s.now, fixWindowMs, OUTAGE_KINDS);
    const flapping = s.faults.filter((f) => f.flapping).length;
    const detail = { window: '365d', auto_resolving: policy.debounce.autoResolveKinds ?? [], flapping_faults: flapping };
    if (r.ratio === null)
      return { status: 'no-data', reason: 'no network or platform fault has been settled in the window', ...common, measuredAt: s.now, detail };
    return { status: 'ok', value: r.ratio, numerator: r.inTime, denominator: r.settled, ...common, measuredAt: s.now, detail };
  },
});
