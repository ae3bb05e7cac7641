/**
 * Does a scope fit in this machine's memory? Pure: the figures come in, a verdict goes out.
 *
 * PER_DEVICE_MIB is measured on this machine (bench/lab.bench.ts prints `lab_memory_per_device`):
 * zebra + ospfd + ospf6d + staticd + sshd + snmpd in one namespace, proportional set size summed
 * over the lab's processes after convergence, divided by the device count, rounded up with headroom.
 */
import { inputError } from '../lib/errors.js';

// Measured 2026-11-29: 24.0 MiB PSS per device (10-device lab, 60 processes, 240 MiB in all).
// 40 leaves room for larger link-state databases and RSS counted twice under memory pressure.
export const PER_DEVICE_MIB = 40;
/** Left for the rest of the machine (the CLI itself, other engineers' services, page cache). */
export const RESERVE_MIB = 1024;

export interface Capacity {
  devices: number;
  needMiB: number;
  availableMiB: number;
  maxDevices: number;
  fits: boolean;
}

/** MemAvailable from /proc/meminfo text, in MiB. */
function memAvailableMiB(meminfo: string): number {
  const m = /^MemAvailable:\s+(\d+)\s+kB/m.exec(meminfo);
  if (!m) throw new Error('no MemAvailable in /proc/meminfo');
  return Math.floor(Number(m[1]) / 1024);
}

export function capacityFor(devices: number, meminfo: string, perDeviceMiB = PER_DEVICE_MIB): Capacity {
  const availableMiB = memAvailableMiB(meminfo);
  const usable = Math.max(0, availableMiB - RESERVE_MIB);
  const maxDevices = Math.floor(usable / perDeviceMiB);
  const needMiB = devices * perDeviceMiB;
  return { devices, needMiB, availableMiB, maxDevices, fits: devices <= maxDevices };
}

/** Throws an input error naming how many devices fit when the scope is too large. */
export function assertFits(devices: number, meminfo: string, alreadyRunning = 0): Capacity {
  const cap = capacityFor(devices - alreadyRunning, meminfo);
  if (!cap.fits) {
    throw inputError(
      'E_SCOPE_TOO_LARGE',
      '--scope',
      'devices',
      `the scope has ${devices} devices (~${cap.needMiB} MiB at ${PER_DEVICE_MIB} MiB each) but only ${cap.availableMiB} MiB is available (${RESERVE_MIB} MiB kept in reserve): this machine can take about ${cap.maxDevices + alreadyRunning} devices`,
      'narrow --scope (e.g. counties=1;townships=1)',
    );
  }
  return cap;
}
