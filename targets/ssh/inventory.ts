/**
 * The routers the ssh target deploys to: the inventory's `files.routers` (routers.yaml, shape in
 * inventory/routers-schema.ts, checked by the loader), each device one of the topology's.
 */
import type { Inventory } from '../../inventory/load.js';
import type { RoutersFile } from '../../inventory/routers-schema.js';
import { inputError } from '../../lib/errors.js';

export type RouterEntry = RoutersFile['routers'][number];

export function loadRouters(inv: Inventory, knownDevices: ReadonlySet<string>): { file: string; doc: RoutersFile; routers: RouterEntry[] } {
  const file = inv.paths.routers;
  if (!file || !inv.routers)
    throw inputError(
      'E_NO_ROUTERS',
      inv.paths.province!,
      'files.routers',
      'the ssh target needs the routers it deploys to, and province.yaml names no routers file',
      'add `routers: routers.yaml` under files and list them there: routers: [{ device, address, platform }]',
    );
  const seen = new Set<string>();
  for (const [i, r] of inv.routers.routers.entries()) {
    if (!knownDevices.has(r.device)) throw inputError('E_UNKNOWN_DEVICE', file, `routers[${i}].device`, `"${r.device}" is not a device of the topology`);
    if (seen.has(r.device)) throw inputError('E_DUPLICATE', file, `routers[${i}].device`, `"${r.device}" is listed twice`);
    seen.add(r.device);
  }
  return { file, doc: inv.routers, routers: inv.routers.routers };
}
