/** The `lab` target of `stacks plan`: per-device config diff against what the lab last confirmed. */
import { emit, type GlobalOptions } from '../cli/context.js';
import { planLab, renderLabPlan } from './plan.js';

export async function planLabTarget(g: GlobalOptions, opts: { [key: string]: unknown }): Promise<number> {
  const plan = await planLab({ stateDir: g.stateDir, inventoryDir: g.inventory, lab: typeof opts.lab === 'string' ? opts.lab : (process.env.STACKS_LAB ?? 'lab'), scope: typeof opts.scope === 'string' ? opts.scope : undefined });
  emit(g, plan, () => renderLabPlan(plan, g.verbose));
  return 0;
}
