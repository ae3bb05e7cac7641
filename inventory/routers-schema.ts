/**
 * routers.yaml: the routers the ssh target deploys to, one entry per device of the topology that runs
 * outside the lab, by management address and platform:
 *   routers:
 *     - { device: xian-r1, address: 10.255.0.11, platform: frr }
 *     - { device: xian-r2, address: 10.255.0.12, platform: frr, port: 2222, jump: { address: 10.255.0.1 } }
 * Credentials are not here: they come from the secret store (targets/ssh/credentials.ts). Named in
 * province.yaml as `files.routers` like every file the code reads; the loader checks its shape, the
 * ssh target that its devices are the topology's.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const endpoint = {
  address: z.string().refine((a) => isIP(a) !== 0, 'must be an IPv4 or IPv6 address'),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).default('root'),
};

// Strict at every level, like the other inventory files: a misspelt top-level key (`router:`) must be an
// error naming it, not a file read as if it had no routers.
export const routersSchema = z.strictObject({
  routers: z.array(z.object({ device: z.string().min(1), platform: z.string().min(1), ...endpoint, jump: z.object(endpoint).optional() }).strict()),
});

export type RoutersFile = z.infer<typeof routersSchema>;
