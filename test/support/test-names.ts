/** The migration names (DnsNames) a test drives: the gov.sn.cn zone, TTLs of the runbooks, log and lock under `state`. */
import { join } from 'node:path';
import { DnsNames } from '../../migrations/names.js';
import type { TsigKey } from '../../lab/secrets.js';

export function testNames(o: { server: string; port: number; key: TsigKey; state: string }): DnsNames {
  return new DnsNames({
    server: o.server,
    port: o.port,
    zone: 'gov.sn.cn',
    key: o.key,
    ttl: 300,
    waveTtl: 5,
    log: join(o.state, 'migrations', 'names.log'),
    lockDir: join(o.state, 'migrations'),
  });
}
