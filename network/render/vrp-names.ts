/**
 * How the model's Linux-safe interface names map to Huawei VRP port names.
 *
 *   port type  by the circuit's bandwidth: ≤ 1G GigabitEthernet, ≤ 10G XGigabitEthernet (so a 2G
 *              circuit rides a 10GE port; its cost still comes from the 2G of the model),
 *              ≤ 25G 25GE, ≤ 40G 40GE, above that 100GE.
 *   slot       by role: 0 = site LAN (`lan*`), 3 = the clouds' provider and tenant hand-offs (`cl*`), 1 = upstream side (uplinks `up*`, the r1–r2 `peer*`,
 *              the exit's links to the cores and its internet hand-off), 2 = downlinks (`d*`, and the
 *              cores' links to the exits `x*`).
 *   subcard/port  from the IPAM ledger (`iface.port`, network/ports.ts): given once on a card of
 *              the device's model (hardware.yaml), never moved, freed when its interface goes, so
 *              removing a site renames no other port. A hand-made topology has no ledger ports:
 *              then 0, 1, 2 … in natural name order within a slot (up0 → 0, up1 → 1; d3 before d12).
 *
 *   e.g. lan0 → GigabitEthernet0/0/0, up0 (10G) → XGigabitEthernet1/0/0, d512 (10G) → XGigabitEthernet2/0/0,
 *        loopback → LoopBack0.
 */
import type { Device, Interface } from '../types.js';
import { naturalCompare } from './common.js';

export const VRP_LOOPBACK = 'LoopBack0';

export function vrpPortType(bandwidthMbps: number): string {
  if (bandwidthMbps <= 1000) return 'GigabitEthernet';
  if (bandwidthMbps <= 10_000) return 'XGigabitEthernet';
  if (bandwidthMbps <= 25_000) return '25GE';
  if (bandwidthMbps <= 40_000) return '40GE';
  return '100GE';
}

/** Which card a model interface sits on (see the module comment). */
export function vrpSlot(device: Device, iface: Interface): number {
  switch (iface.kind) {
    case 'lan':
      return 0;
    case 'uplink':
    case 'peer':
    case 'internet':
      return 1;
    case 'exit':
      // The exit router's links to the cores face up; a core's links to the exits hang below it.
      return device.role === 'exit' ? 1 : 2;
    case 'downlink':
      return 2;
    case 'cloud':
      // the clouds' hand-offs get a card of their own, so adding one moves no LAN or link port
      return 3;
  }
}

export interface PortPosition {
  type: string;
  slot: number;
  subcard: number;
  port: number;
}

const PORT_NAME = /^(.+?)(\d+)\/(\d+)\/(\d+)$/;

export function parsePortName(name: string): PortPosition | undefined {
  const m = PORT_NAME.exec(name);
  return m ? { type: m[1]!, slot: Number(m[2]), subcard: Number(m[3]), port: Number(m[4]) } : undefined;
}

export const portName = (p: PortPosition) => `${p.type}${p.slot}/${p.subcard}/${p.port}`;

/** Config order: slot, subcard, port (numbers, so 2/0/10 after 2/0/9). */
export function comparePorts(a: string, b: string): number {
  const x = parsePortName(a);
  const y = parsePortName(b);
  if (!x || !y) return naturalCompare(a, b);
  return x.slot - y.slot || x.subcard - y.subcard || x.port - y.port || naturalCompare(x.type, y.type);
}

export interface VrpPort {
  iface: Interface;
  port: string;
}

const CACHE = new WeakMap<Device, VrpPort[]>();

/** Every interface of the device with its VRP port, in config order (slot, subcard, port). */
export function vrpPorts(device: Device): VrpPort[] {
  const cached = CACHE.get(device);
  if (cached) return cached;
  if (device.interfaces.every((i) => i.port !== undefined)) {
    const fromLedger = device.interfaces.map((iface) => ({ iface, port: iface.port! })).sort((a, b) => comparePorts(a.port, b.port));
    CACHE.set(device, fromLedger);
    return fromLedger;
  }
  const bySlot = new Map<number, Interface[]>();
  for (const iface of device.interfaces) {
    const slot = vrpSlot(device, iface);
    const list = bySlot.get(slot);
    if (list) list.push(iface);
    else bySlot.set(slot, [iface]);
  }
  const ports: VrpPort[] = [];
  for (const slot of [...bySlot.keys()].sort((a, b) => a - b)) {
    const ifaces = bySlot.get(slot)!.sort((a, b) => naturalCompare(a.name, b.name));
    ifaces.forEach((iface, port) => ports.push({ iface, port: `${vrpPortType(iface.bandwidthMbps)}${slot}/0/${port}` }));
  }
  CACHE.set(device, ports);
  return ports;
}

/** Model interface name → VRP port name for every interface of the device. */
export function vrpInterfaceNames(device: Device): Map<string, string> {
  return new Map(vrpPorts(device).map((p) => [p.iface.name, p.port]));
}
