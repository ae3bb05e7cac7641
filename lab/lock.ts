/**
 * One deploy (or destroy, or fault) at a time per lab. The lock itself is lib/lock.ts (a kernel
 * flock, released when the holder exits however it exits); the name stays here for the call sites.
 */
export { acquireLock, type Lock } from '../lib/lock.js';
