/**
 * The routers the ssh target deploys to: `routers.yaml` in the inventory folder, one entry per
 * device of the topology that runs outside the lab, by management address and platform:
 *   routers:
 *     - { device: xian-r1, address: 10.255.0.11, platform: frr }
 *     - { device: xian-r2, address: 10.255.0.12, platform: frr, port: 2222, jump: { address: 10.255.0.1 } }
 * Credentials are not here: they come from the secret store (credentials.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { readDocument } from '../../lib/files.js';
import { validateDocument } from '../../inventory/load.js';
import { inputError } from '../../lib/errors.js';

const endpoint = {
  address: z.string().refine((a) => isIP(a) !== 0, 'must be an IPv4 or IPv6 address'),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).default('root'),
};

const routersSchema = z.object({
  routers: z.array(z.object({ device: z.string().min(1), platform: z.string().min(1), ...endpoint, jump: z.object(endpoint).optional() }).strict()),
});

export type RouterEntry = z.infer<typeof routersSchema>['routers'][number];

const ROUTERS_FILE = 'routers.yaml';

export async function loadRouters(inventoryDir: string, knownDevices: ReadonlySet<string>): Promise<{ file: string; routers: RouterEntry[] }> {
  const file = join(inventoryDir, ROUTERS_FILE);
  if (!existsSync(file))
    throw inputError(
      'E_NO_ROUTERS',
      file,
      '',
      'the ssh target needs the routers it deploys to',
      `list them in ${ROUTERS_FILE}: routers: [{ device, address, platform }]`,
    );
  const doc = validateDocument(routersSchema, await readDocument(file), file);
  const seen = new Set<string>();
  for (const [i, r] of doc.routers.entries()) {
    if (!knownDevices.has(r.device)) throw inputError('E_UNKNOWN_DEVICE', file, `routers[${i}].device`, `"${r.device}" is not a device of the topology`);
    if (seen.has(r.device)) throw inputError('E_DUPLICATE', file, `routers[${i}].device`, `"${r.device}" is listed twice`);
    seen.add(r.device);
  }
  return { file, routers: doc.routers };
}
