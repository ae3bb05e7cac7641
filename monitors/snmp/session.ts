/**
 * One net-snmp session per target (kept open across polls so SNMPv3 engine discovery happens once),
 * and the GetBulk walk of the polled IF-MIB columns with continuation when an agent returns fewer
 * rows than exist. Garbage (non-increasing OIDs, wrong types) ends the walk as InvalidAnswer.
 */
import snmp, { type Session, type Varbind } from 'net-snmp';
import { InvalidAnswer, parseSample, type RawVarbind } from './parse.js';
import { OID, POLLED_COLUMNS } from './oids.js';
import type { PollOutcome, PollTarget, SnmpCredentials } from '../types.js';

export interface SessionSettings {
  timeoutMs: number;
  retries: number;
  maxRepetitions: number;
}

/** The net-snmp user for our SNMPv3 credentials (always authPriv): polling and the trap receiver share it. */
export function v3User(c: Extract<SnmpCredentials, { version: 'v3' }>) {
  return {
    name: c.user,
    level: snmp.SecurityLevel.authPriv,
    authProtocol: snmp.AuthProtocols[c.authProtocol],
    authKey: c.authKey,
    privProtocol: snmp.PrivProtocols[c.privProtocol],
    privKey: c.privKey,
  };
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = { timeoutMs: 2000, retries: 1, maxRepetitions: 16 };

export function openSession(target: Pick<PollTarget, 'address' | 'port' | 'credentials'>, settings: SessionSettings): Session {
  const transport = target.address.includes(':') ? 'udp6' : 'udp4';
  const common = { port: target.port, retries: settings.retries, timeout: settings.timeoutMs, transport, backoff: 1 } as const;
  const c: SnmpCredentials = target.credentials;
  const session =
    c.version === 'v2c'
      ? snmp.createSession(target.address, c.community, { ...common, version: snmp.Version2c })
      : snmp.createV3Session(target.address, v3User(c), { ...common, version: snmp.Version3 });
  // A socket error must not crash the daemon; the poll that hits it reports it.
  session.on('error', () => undefined);
  return session;
}

function getBulk(session: Session, oids: string[], nonRepeaters: number, maxRep: number): Promise<Array<Varbind | Varbind[]>> {
  return new Promise((resolve, reject) => {
    try {
      session.getBulk(oids, nonRepeaters, maxRep, (err, vbs) => (err ? reject(err) : resolve(vbs ?? [])));
    } catch (err) {
      reject(err);
    }
  });
}

const END_TYPES = new Set([snmp.ObjectType.EndOfMibView, snmp.ObjectType.NoSuchObject, snmp.ObjectType.NoSuchInstance]);
// Only a bound against runaway agents: OIDs must increase, so a finite table always ends.
const MAX_ROUNDS = 1024;

/** Walk sysUpTime plus the polled columns with GetBulk; returns the raw varbinds per column. */
export async function bulkWalk(session: Session, maxRepetitions: number): Promise<{ sysUpTime?: RawVarbind; columns: Map<string, RawVarbind[]> }> {
  const columns = new Map<string, RawVarbind[]>(POLLED_COLUMNS.map((c) => [c, []]));
  const cursor = new Map<string, string>(POLLED_COLUMNS.map((c) => [c, c]));
  let sysUpTime: RawVarbind | undefined;
  for (let round = 0; cursor.size > 0; round++) {
    if (round >= MAX_ROUNDS) throw new InvalidAnswer(`walk did not end after ${MAX_ROUNDS} GetBulk rounds`);
    const open = [...cursor.keys()];
    const first = round === 0;
    // sysUpTime.0 rides along as a non-repeater: GetNext of sysUpTime (…1.3) is …1.3.0.
    const request: string[] = (first ? [OID.sysUpTime.slice(0, -2)] : []).concat(open.map((c) => cursor.get(c)!));
    const vbs = await getBulk(session, request, first ? 1 : 0, maxRepetitions);
    let offset = 0;
    if (first) {
      const vb = vbs[0];
      if (!vb || Array.isArray(vb)) throw new InvalidAnswer('GetBulk answer lacks the non-repeater');
      sysUpTime = vb;
      offset = 1;
    }
    open.forEach((column, k) => {
      const group = vbs[offset + k];
      const list = Array.isArray(group) ? group : group ? [group] : [];
      // An agent may return fewer repetitions than asked (to fit its message size): a column ends
      // only when a varbind leaves it or the MIB view ends, or when nothing came back at all.
      let done = list.length === 0;
      for (const vb of list) {
        if (END_TYPES.has(vb.type) || !vb.oid.startsWith(column + '.')) {
          done = true;
          break;
        }
        const prev = cursor.get(column)!;
        if (prev !== column && !oidAfter(vb.oid, prev)) throw new InvalidAnswer(`agent returned ${vb.oid} after ${prev}: OIDs not increasing`);
        columns.get(column)!.push(vb);
        cursor.set(column, vb.oid);
      }
      if (done) cursor.delete(column);
    });
  }
  return { sysUpTime, columns };
}

function oidAfter(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return x.length > y.length;
}

/** One poll of one device: never throws; the outcome says why a poll failed. */
export async function pollDevice(session: Session, device: string, settings: SessionSettings): Promise<PollOutcome> {
  const requestedAt = Date.now();
  try {
    const { sysUpTime, columns } = await bulkWalk(session, settings.maxRepetitions);
    return { ok: true, sample: { ...parseSample(device, Date.now(), sysUpTime, columns), requestedAt } };
  } catch (err) {
    const at = Date.now();
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof InvalidAnswer) return { ok: false, device, at, reason: 'invalid', message };
    if (err instanceof snmp.RequestTimedOutError || /timed out/i.test(message)) return { ok: false, device, at, reason: 'timeout', message };
    // Decoding failures of malformed packets surface as generic errors: also garbage.
    return { ok: false, device, at, reason: /parse|decode|ber|invalid|unexpected/i.test(message) ? 'invalid' : 'error', message };
  }
}
