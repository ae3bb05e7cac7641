/** A lab device's config driver: every lab device runs FRR, so its platform is the default one. */
import { driverFor, DEFAULT_PLATFORM } from '../drivers/registry.js';
import type { ConfigDriver, DeviceShell } from '../drivers/types.js';

export function labDriver(shell: DeviceShell): ConfigDriver {
  return driverFor(DEFAULT_PLATFORM, shell, '(lab)');
}
