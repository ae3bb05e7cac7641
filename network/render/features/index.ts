/**
 * The registry of render features (see ./types.ts). Order is render order within each hook, so
 * keep it stable: a reordered list is a diff on every device.
 */
import type { ConfigLine } from '../common.js';
import type { DialectHooks, FeatureContext, RenderFeature } from './types.js';
import { ospfAuthFeature } from './ospf-auth.js';
import { bfdFeature } from './bfd.js';
import { exitGuardFeature } from './exit-guard.js';
import { vrrpFeature } from './vrrp.js';
import { qosFeature } from './qos.js';
import { managementFeature } from './management.js';

export type { FeatureContext } from './types.js';

const RENDER_FEATURES: readonly RenderFeature[] = [ospfAuthFeature, bfdFeature, exitGuardFeature, vrrpFeature, qosFeature, managementFeature];

type HookName = keyof DialectHooks;
type HookArgs<H extends HookName> = DialectHooks[H] extends ((ctx: FeatureContext, ...rest: infer A) => ConfigLine[]) | undefined ? A : never;

/** Every feature's lines for one hook of one dialect, in registry order. */
export function featureLines<H extends HookName>(dialect: 'frr' | 'vrp', hook: H, ctx: FeatureContext, ...args: HookArgs<H>): ConfigLine[] {
  const out: ConfigLine[] = [];
  for (const feature of RENDER_FEATURES) {
    const fn = feature[dialect][hook] as ((ctx: FeatureContext, ...rest: HookArgs<H>) => ConfigLine[]) | undefined;
    if (fn) out.push(...fn(ctx, ...args));
  }
  return out;
}
