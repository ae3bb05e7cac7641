/**
 * routers.yaml: the routers the ssh target deploys to, one entry per device of the topology that runs
 * outside the lab, by management address and platform:
 *   routers:
 *     - { device: xian-r1, address: 10.255.0.11, platform: frr }
 *     - { device: xian-r2, address: 10.255.0.12, platform: frr, port: 2222, jump: { address: 10.255.0.1 } }
 * Credentials are never here: a router's `credential` (or the file's, for every router) names a
 * secret reference — `{ password: '{{secret:ssh/noc/password}}' }` or `{ private_key: '{{secret:…}}' }`
 * (the key file base64-encoded, one line) — resolved from the sealed store at connect time
 * (targets/ssh/credentials.ts); a literal value here is refused. Without either, a router's password is
 * `{{secret:ssh/<device>/password}}`. Named in
 * province.yaml as `files.routers` like every file the code reads; the loader checks its shape, the
 * ssh target that its devices are the topology's.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { refPath } from '../lib/secret-ref-token.js';

const secretRef = z
  .string()
  .refine((v) => refPath(v) !== undefined, 'must be a secret reference {{secret:PATH}} (credentials are kept in the sealed store, never in the inventory)');
// one way to log in per router: a password or a key, each a reference
const credential = z
  .strictObject({ password: secretRef.optional(), private_key: secretRef.optional() })
  .refine((c) => (c.password === undefined) !== (c.private_key === undefined), 'names exactly one of password or private_key');

const endpoint = {
  address: z.string().refine((a) => isIP(a) !== 0, 'must be an IPv4 or IPv6 address'),
  port: z.number().int().min(1).max(65535).default(22),
  user: z.string().min(1).default('root'),
};

// Strict at every level, like the other inventory files: a misspelt top-level key (`router:`) must be an
// error naming it, not a file read as if it had no routers.
export const routersSchema = z.strictObject({
  credential: credential.optional(),
  routers: z.array(
    z
      .object({ device: z.string().min(1), platform: z.string().min(1), ...endpoint, credential: credential.optional(), jump: z.object(endpoint).optional() })
      .strict(),
  ),
});

export type RoutersFile = z.infer<typeof routersSchema>;
