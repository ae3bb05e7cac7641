/**
 * 9 — cloud platform reliability: pooled uptime of the monitored platforms over 365 days, counting
 * only time the daemon watched. The coverage is reported beside the value, and below the policy's
 * minimum coverage the value is shown but not claimed against the target.
 */
import { availability, pooled } from '../uptime.js';
import { defineIndicator, type Computed } from './define.js';

export default defineIndicator({
  id: 9,
  requires: ['store', 'policy'],
  compute: ({ store: s, policy }): Computed => {
    const definition = 'pooled uptime of monitored cloud platforms over the last 365 days, over the time the daemon watched them (gaps are unknown, not up)';
    const common = { definition, basis: 'live' as const, source: 'fault store' };
    if (!s) return { status: 'unavailable', reason: 'no fault store yet: run `stacks daemon` with platform targets', ...common, measuredAt: null };
    const lastSeen = s.spans.length ? Math.max(...s.spans.map((x) => x.to)) : null;
    const platforms = s.objects.filter((o) => o.type === 'platform');
    if (!platforms.length)
      return { status: 'no-data', reason: 'no cloud platform is monitored yet (give `stacks daemon` platform targets)', ...common, measuredAt: lastSeen };
    const a = availability(platforms, s.faults, s.spans, '365d', s.now);
    const v = pooled(a);
    if (v.ratio === null) return { status: 'no-data', reason: 'platforms registered but never watched', ...common, measuredAt: lastSeen };
    const claim = v.coverage >= policy.minCoverage;
    return {
      status: 'ok',
      value: v.ratio,
      claim,
      ...(claim
        ? {}
        : {
            note: `watched ${(v.coverage * 100).toFixed(2)}% of the 365 days (policy: ${(policy.minCoverage * 100).toFixed(0)}%): not claimed against the target`,
          }),
      ...common,
      measuredAt: lastSeen,
      detail: {
        coverage: v.coverage,
        unknown_seconds: a.reduce((n, x) => n + x.unknownSeconds, 0),
        per_platform: Object.fromEntries(a.map((x) => [x.object.replace(/^platform:/, ''), { ratio: x.ratio, coverage: x.coverage }])),
        window: '365d',
      },
    };
  },
});
