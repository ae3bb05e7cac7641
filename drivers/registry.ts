/**
 * Config drivers by platform (the inventory's `platform` of a device): a new platform is one folder
 * under drivers/ and one line here, like containerlab's runtimes or NAPALM's get_network_driver.
 */
import { inputError } from '../lib/errors.js';
import type { ConfigDriver, DeviceShell } from './types.js';
import { FrrDriver } from './frr/driver.js';

type DriverFactory = (shell: DeviceShell) => ConfigDriver;

const DRIVERS: Record<string, DriverFactory> = {
  frr: (shell) => new FrrDriver(shell),
};

/** The platform every lab device runs (the lab's devices are FRR in namespaces). */
export const DEFAULT_PLATFORM = 'frr';

function driverPlatforms(): string[] {
  return Object.keys(DRIVERS).sort();
}

/** The driver of `platform` over `shell`; `where` names the inventory entry for the error. */
export function driverFor(platform: string, shell: DeviceShell, where = '(inventory)'): ConfigDriver {
  const make = Object.hasOwn(DRIVERS, platform) ? DRIVERS[platform] : undefined;
  if (!make)
    throw inputError(
      'E_PLATFORM',
      where,
      'platform',
      `${shell.device}: no config driver for platform "${platform}"`,
      `platforms with a driver: ${driverPlatforms().join(', ')}`,
    );
  return make(shell);
}
