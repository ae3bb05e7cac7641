/** The lab's devices are FRR: the driver lives with the other drivers (drivers/frr/driver.ts). */
export { FrrDriver, configDiff, diffIsEmpty } from '../drivers/frr/driver.js';
export type { ConfigDiff } from '../drivers/types.js';
