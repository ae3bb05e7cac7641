/**
 * The running lab as a `stacks verify --target lab` target (loaded on demand by cli/verify-targets.ts):
 * ping and traceroute from every township, or with `--compare` the differential check of RIBs
 * (rib-compare.ts).
 */
import type { VerifyTarget } from '../cli/verify-targets.js';
import { verifyLab } from './verify.js';
import { verifyLabRibs } from './rib-compare.js';
import { DEFAULT_LAB_ID } from './names.js';

export const labVerifyTarget: VerifyTarget = (ctx) => {
  const opts = { stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.lab ?? process.env.STACKS_LAB ?? DEFAULT_LAB_ID };
  return ctx.compare ? verifyLabRibs(opts) : verifyLab(opts);
};
