/** The indicators `stacks kpi` reports, in Table 1 order: one line each. */
import type { IndicatorDefinition, InputName } from './define.js';
import merge from './i01-merge.js';
import privateNetworks from './i02-private-networks.js';
import coverage from './i03-coverage.js';
import capacity from './i04-capacity.js';
import clouds from './i07-clouds.js';
import islands from './i08-islands.js';
import platformUptime from './i09-platform-uptime.js';
import security from './i12-security.js';
import fixedInTime from './i13-fixed-in-time.js';

export const INDICATORS: ReadonlyArray<IndicatorDefinition<InputName>> = [
  merge,
  privateNetworks,
  coverage,
  capacity,
  clouds,
  islands,
  platformUptime,
  security,
  fixedInTime,
] as ReadonlyArray<IndicatorDefinition<InputName>>;
