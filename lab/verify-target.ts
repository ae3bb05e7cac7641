/**
 * Registers the running lab's verify (loaded by lab/target.ts when `--target lab` is named):
 * ping and traceroute from every township, or with `--compare` the differential check of RIBs
 * (rib-compare.ts).
 */
import { registerVerifyTarget } from '../cli/verify-targets.js';
import { verifyLab } from './verify.js';
import { verifyLabRibs } from './rib-compare.js';
import { DEFAULT_LAB_ID } from './names.js';

registerVerifyTarget('lab', (ctx) => {
  const opts = { stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.lab ?? DEFAULT_LAB_ID };
  return ctx.compare ? verifyLabRibs(opts) : verifyLab(opts);
});
