/**
 * SNMPv3 notifications on a real net-snmp receiver (loopback UDP): a trap at noAuthNoPriv with an
 * empty user — which anyone can forge — is rejected and counted, not turned into a security fault;
 * a noAuthNoPriv trap naming a configured authPriv user is rejected too; the configured user at
 * authPriv gets through.
 */
import { describe, expect, it } from 'vitest';
import snmp from 'net-snmp';
import { startTrapReceiver, type TrapEvent } from '../../monitors/snmp/traps.js';
import { v3User } from '../../monitors/snmp/session.js';
import { OID } from '../../monitors/snmp/oids.js';
import { freePort } from '../support/pg-cluster.js';
import type { SnmpCredentials } from '../../monitors/types.js';

const user: Extract<SnmpCredentials, { version: 'v3' }> = {
  version: 'v3',
  user: 'noc',
  authProtocol: 'sha256',
  authKey: 'auth-key-0123456789',
  privProtocol: 'aes',
  privKey: 'priv-key-0123456789',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function send(port: number, u: Parameters<typeof snmp.createV3Session>[1]): Promise<void> {
  const s = snmp.createV3Session('127.0.0.1', u, { trapPort: port, version: snmp.Version3 });
  await new Promise<void>((res) => s.trap(OID.authenticationFailure, [], () => res()));
  s.close();
}

describe('SNMPv3 traps', () => {
  it('rejects and counts noAuthNoPriv and empty-user notifications; accepts authPriv from the configured user', async () => {
    const port = await freePort();
    const got: TrapEvent[] = [];
    const rejected: string[] = [];
    const r = startTrapReceiver(
      { address: '127.0.0.1', port, credentials: [user] },
      (e) => got.push(e),
      (m) => rejected.push(m),
    );
    try {
      await send(port, { name: '', level: snmp.SecurityLevel.noAuthNoPriv });
      await send(port, { name: 'noc', level: snmp.SecurityLevel.noAuthNoPriv });
      await sleep(300);
      expect(got).toEqual([]);
      expect(rejected).toHaveLength(2);
      await send(port, v3User(user));
      await sleep(300);
      expect(got.map((e) => e.meaning.type)).toEqual(['auth-failure']);
    } finally {
      await new Promise<void>((res) => r.close(() => res()));
    }
  });
});
