/**
 * 12 — security incidents remediated in time. A security incident is a fault of kind `security`
 * (an SNMP authenticationFailure notification: someone probing a device with wrong credentials),
 * resolved by an operator once remediated. "In time" = resolved within the window (default 24 h;
 * the plan gives no figure).
 */
import { WINDOWS, fixRate } from '../uptime.js';
import { defineIndicator, type Computed } from './define.js';

export default defineIndicator({
  id: 12,
  requires: ['store', 'securityWindowMs'],
  compute: ({ store: s, securityWindowMs: windowMs }): Computed => {
    const definition = `security incidents (kind security) resolved within ${windowMs / 3_600_000} h / security incidents settled in the last 365 days`;
    const common = { definition, basis: 'live' as const, source: 'fault store' };
    if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon`', ...common, measuredAt: null };
    const r = fixRate(s.faults, s.now - WINDOWS['365d'], s.now, windowMs, ['security']);
    if (r.ratio === null) return { status: 'no-data', reason: 'no security incident settled in the window', ...common, measuredAt: s.now };
    return {
      status: 'ok',
      value: r.ratio,
      numerator: r.inTime,
      denominator: r.settled,
      ...common,
      measuredAt: s.now,
      detail: { window: '365d', remediation_hours: windowMs / 3_600_000 },
    };
  },
});
