/** The lab's devices are FRR: the driver lives with the other drivers (drivers/frr/driver.ts). */
export { FrrDriver, configDiff } from '../drivers/frr/driver.js';
