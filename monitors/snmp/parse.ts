/**
 * Turn the varbinds of one poll into a DeviceSample, pure. An agent that answers garbage (wrong
 * types, missing columns, out-of-range statuses) gets an InvalidAnswer error naming what was wrong,
 * so the poll counts as failed instead of feeding nonsense into utilisation or faults.
 */
import { counterValue } from './counters.js';
import { OID } from './oids.js';
import type { DeviceSample, InterfaceSample } from '../types.js';

export interface RawVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export class InvalidAnswer extends Error {
  override name = 'InvalidAnswer';
}

/** ifIndex from a column instance OID (`<column>.<ifIndex>`), or undefined when it is not one. */
function instanceIndex(column: string, oid: string): number | undefined {
  if (!oid.startsWith(column + '.')) return undefined;
  const rest = oid.slice(column.length + 1);
  if (!/^\d+$/.test(rest)) return undefined;
  const n = Number(rest);
  return n > 0 && n <= 2_147_483_647 ? n : undefined;
}

function status(value: unknown, where: string): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 7)
    throw new InvalidAnswer(`${where}: status ${String(value)} is not an IF-MIB status`);
  return value === 1;
}

function counter(value: unknown, where: string): bigint {
  const v = counterValue(value);
  if (v === undefined) throw new InvalidAnswer(`${where}: ${typeof value} is not a counter`);
  return v;
}

export function parseSample(device: string, at: number, sysUpTime: RawVarbind | undefined, columns: Map<string, RawVarbind[]>): DeviceSample {
  if (!sysUpTime || sysUpTime.oid !== OID.sysUpTime || typeof sysUpTime.value !== 'number' || !Number.isInteger(sysUpTime.value) || sysUpTime.value < 0) {
    throw new InvalidAnswer(`sysUpTime missing or not TimeTicks (${sysUpTime ? `${sysUpTime.oid}=${String(sysUpTime.value)}` : 'absent'})`);
  }
  const rows = new Map<number, Partial<InterfaceSample>>();
  const row = (i: number) => {
    let r = rows.get(i);
    if (!r) rows.set(i, (r = { ifIndex: i }));
    return r;
  };
  for (const [column, varbinds] of columns) {
    for (const vb of varbinds) {
      const i = instanceIndex(column, vb.oid);
      if (i === undefined) continue;
      const where = `${vb.oid}`;
      const r = row(i);
      switch (column) {
        case OID.ifName:
          if (!Buffer.isBuffer(vb.value) && typeof vb.value !== 'string') throw new InvalidAnswer(`${where}: ifName is not a string`);
          r.name = vb.value.toString();
          break;
        case OID.ifAdminStatus:
          r.adminUp = status(vb.value, where);
          break;
        case OID.ifOperStatus:
          r.operUp = status(vb.value, where);
          break;
        case OID.ifHCInOctets:
          r.inOctets = counter(vb.value, where);
          break;
        case OID.ifHCOutOctets:
          r.outOctets = counter(vb.value, where);
          break;
        case OID.ifInErrors:
          r.inErrors = counter(vb.value, where);
          break;
        case OID.ifOutErrors:
          r.outErrors = counter(vb.value, where);
          break;
      }
    }
  }
  const interfaces: InterfaceSample[] = [];
  for (const r of [...rows.values()].sort((a, b) => a.ifIndex! - b.ifIndex!)) {
    // Status is what faults rest on: a row without it is incomplete, not down.
    if (r.adminUp === undefined || r.operUp === undefined) continue;
    interfaces.push({
      ifIndex: r.ifIndex!,
      name: r.name ?? `if${r.ifIndex}`,
      adminUp: r.adminUp,
      operUp: r.operUp,
      inOctets: r.inOctets ?? 0n,
      outOctets: r.outOctets ?? 0n,
      inErrors: r.inErrors ?? 0n,
      outErrors: r.outErrors ?? 0n,
    });
  }
  if (interfaces.length === 0 && rows.size > 0) throw new InvalidAnswer('interface rows without ifAdminStatus/ifOperStatus');
  return { device, at, sysUpTime: sysUpTime.value, interfaces };
}
