/**
 * The SNMP trap receiver (net-snmp): linkDown/linkUp (v2c and v3) for fast detection, and
 * authenticationFailure, which the daemon records as a security fault. The pure `classifyTrap`
 * turns a notification's varbinds into what it means; the receiver only does the I/O.
 */
import snmp, { type Receiver, type Varbind } from 'net-snmp';
import { OID } from './oids.js';
import { v3User } from './session.js';
import type { SnmpCredentials } from '../types.js';
import { EngineTimeWindows } from './time-window.js';

/** Why a notification was not turned into an event: unauthorised/malformed, or authentic but outside the RFC 3414 window (a replay). */
export type TrapRejection = 'rejected' | 'out-of-window';

/** The USM fields of a v3 message that net-snmp's receiver does not pass on (see startTrapReceiver). */
interface UsmTimeliness {
  engineId: string;
  boots: number;
  time: number;
}

type TrapMeaning = { type: 'link'; ifIndex: number; up: boolean; adminUp: boolean | undefined } | { type: 'auth-failure' } | { type: 'other'; oid: string };

function classifyTrap(varbinds: readonly Varbind[]): TrapMeaning | undefined {
  const trapOid = varbinds.find((v) => v.oid === OID.snmpTrapOID)?.value;
  if (typeof trapOid !== 'string') return undefined;
  if (trapOid === OID.linkDown || trapOid === OID.linkUp) {
    const idx = varbinds.find((v) => v.oid.startsWith(OID.ifIndex + '.'))?.value;
    const admin = varbinds.find((v) => v.oid.startsWith('1.3.6.1.2.1.2.2.1.7.'))?.value;
    const fromOid = varbinds.map((v) => /^1\.3\.6\.1\.2\.1\.2\.2\.1\.[178]\.(\d+)$/.exec(v.oid)?.[1]).find(Boolean);
    const ifIndex = typeof idx === 'number' ? idx : fromOid ? Number(fromOid) : undefined;
    if (ifIndex === undefined) return undefined;
    return { type: 'link', ifIndex, up: trapOid === OID.linkUp, adminUp: typeof admin === 'number' ? admin === 1 : undefined };
  }
  if (trapOid === OID.authenticationFailure) return { type: 'auth-failure' };
  return { type: 'other', oid: trapOid };
}

interface V3Message {
  version: number;
  msgSecurityParameters?: { msgAuthoritativeEngineID?: Buffer; msgAuthoritativeEngineBoots: number; msgAuthoritativeEngineTime: number };
}

export interface TrapEvent {
  source: string;
  at: number;
  meaning: TrapMeaning;
}

export interface TrapReceiverOptions {
  /** Every address:port to listen on (one socket each; a lab's devices each trap to their own). */
  listen: readonly { address: string; port: number }[];
  /** Communities (v2c) and users (v3) accepted; anything else is dropped by net-snmp. */
  credentials: readonly SnmpCredentials[];
}

/** Receive buffer asked for the trap socket (bytes). */
const TRAP_SOCKET_BUFFER = 4 << 20;

export function startTrapReceiver(
  opts: TrapReceiverOptions,
  onTrap: (e: TrapEvent) => void,
  onError: (message: string, kind: TrapRejection) => void,
): Receiver {
  const windows = new EngineTimeWindows();
  const receiver = snmp.createReceiver(
    // includeAuthentication: the callback learns the community or v3 user a notification came with.
    {
      sockets: opts.listen.map((l) => ({ port: l.port, address: l.address, transport: l.address.includes(':') ? 'udp6' : 'udp4' })),
      includeAuthentication: true,
    },
    (error, notification) => {
      const at = Date.now();
      if (error || !notification) {
        // Never echo the packet: an unauthorised one may carry a guessed community.
        onError(error ? error.name : 'empty notification', 'rejected');
        return;
      }
      // net-snmp lets a v3 message with an empty user through at noAuthNoPriv: anyone could forge
      // one. Only a known community (v2c) or a configured v3 user (whose authPriv level net-snmp
      // then enforces) speaks for a device.
      const pdu = notification.pdu as { community?: string; user?: string };
      if (pdu.community === undefined && !pdu.user) {
        onError('v3 notification without a user (noAuthNoPriv)', 'rejected');
        return;
      }
      const usm = (notification as { usm?: UsmTimeliness }).usm;
      if (usm) {
        const t = windows.check(usm.engineId, usm.boots, usm.time, at);
        if (!t.ok) {
          onError(`v3 notification outside the RFC 3414 time window: ${t.reason}`, 'out-of-window');
          return;
        }
      }
      const meaning = classifyTrap(notification.pdu.varbinds);
      if (meaning) onTrap({ source: notification.rinfo.address, at, meaning });
    },
  );
  // net-snmp's receiver checks the digest but not timeliness, and drops the USM fields before the
  // callback: pass the authoritative engine's id, boots and time along with the notification.
  const internal = receiver as unknown as { formatCallbackData(message: V3Message, rinfo: unknown): Record<string, unknown> };
  const format = internal.formatCallbackData.bind(receiver);
  internal.formatCallbackData = (message, rinfo) => {
    const data = format(message, rinfo);
    const p = message.msgSecurityParameters;
    if (message.version === snmp.Version3 && p?.msgAuthoritativeEngineID)
      data.usm = { engineId: p.msgAuthoritativeEngineID.toString('hex'), boots: p.msgAuthoritativeEngineBoots, time: p.msgAuthoritativeEngineTime };
    return data;
  };
  // A storm (a city's routers going down at once) arrives as a burst: with Linux's default socket
  // buffer (rmem_default, 208 KiB ≈ 270 traps) the kernel dropped ~6% of a steady 5,000/s
  // (bench/trap-ingest.bench.ts). Ask for 4 MiB; the kernel caps it at net.core.rmem_max.
  const sockets = (receiver as unknown as { listener: { sockets: Record<string, import('node:dgram').Socket> } }).listener.sockets;
  for (const socket of Object.values(sockets)) {
    socket.once('listening', () => {
      try {
        socket.setRecvBufferSize(TRAP_SOCKET_BUFFER);
      } catch {
        // a host that refuses keeps its default; the drops stay visible as stacks_snmp_trap_kernel_drops
      }
    });
  }
  const auth = receiver.getAuthorizer();
  for (const c of opts.credentials) {
    if (c.version === 'v2c') auth.addCommunity(c.community);
    else auth.addUser(v3User(c));
  }
  return receiver;
}
