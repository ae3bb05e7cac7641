/**
 * SNMPv3 notifications on a real net-snmp receiver (loopback UDP): a trap at noAuthNoPriv with an
 * empty user — which anyone can forge — is rejected and counted, not turned into a security fault;
 * a noAuthNoPriv trap naming a configured authPriv user is rejected too; the configured user at
 * authPriv gets through; an authentic trap replayed outside the RFC 3414 time window (its engine's
 * snmpEngineTime more than 150 s behind what the receiver has seen, or an older snmpEngineBoots) is
 * dropped and counted as out-of-window.
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

async function send(port: number, u: Parameters<typeof snmp.createV3Session>[1], engine?: { id: string; boots: number; time: number }): Promise<void> {
  const s = snmp.createV3Session('127.0.0.1', u, { trapPort: port, version: snmp.Version3, ...(engine ? { engineID: engine.id } : {}) });
  // the sender is the authoritative engine of a notification and its boots and time go into the
  // message; net-snmp's sender always writes 0 and 0, so set them before the message is encoded
  if (engine) {
    const internal = s as unknown as { send(req: { message: { msgSecurityParameters: Record<string, unknown> } }, noWait: boolean): void };
    const send = internal.send.bind(s);
    internal.send = (req, noWait) => {
      Object.assign(req.message.msgSecurityParameters, { msgAuthoritativeEngineBoots: engine.boots, msgAuthoritativeEngineTime: engine.time });
      send(req, noWait);
    };
  }
  await new Promise<void>((res) => s.trap(OID.authenticationFailure, [], () => res()));
  s.close();
}

describe('SNMPv3 traps', () => {
  it('rejects and counts noAuthNoPriv and empty-user notifications; accepts authPriv from the configured user', async () => {
    const port = await freePort();
    const got: TrapEvent[] = [];
    const rejected: string[] = [];
    const r = startTrapReceiver(
      { listen: [{ address: '127.0.0.1', port }], credentials: [user] },
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

  it('drops and counts an authentic trap replayed outside the RFC 3414 time window', async () => {
    const port = await freePort();
    const got: TrapEvent[] = [];
    const rejected: Array<[string, string]> = [];
    const r = startTrapReceiver(
      { listen: [{ address: '127.0.0.1', port }], credentials: [user] },
      (e) => got.push(e),
      (m, kind) => rejected.push([kind, m]),
    );
    const id = '8000c53f0300deadbeef01';
    try {
      await send(port, v3User(user), { id, boots: 4, time: 10_000 });
      await send(port, v3User(user), { id, boots: 4, time: 9_900 }); // 100 s behind: inside the window
      await send(port, v3User(user), { id, boots: 4, time: 9_000 }); // a capture from 1,000 s ago
      await send(port, v3User(user), { id, boots: 3, time: 20_000 }); // from before the last reboot
      await sleep(300);
      expect(got).toHaveLength(2);
      expect(rejected.map(([k]) => k)).toEqual(['out-of-window', 'out-of-window']);
      expect(rejected[0]![1]).toMatch(/150 s behind/);
    } finally {
      await new Promise<void>((res) => r.close(() => res()));
    }
  });
});
