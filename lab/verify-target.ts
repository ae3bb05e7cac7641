/**
 * Registers the running lab as a `stacks verify --target lab` target (loaded on demand): ping and
 * traceroute from every township, or with `--compare` the differential check of RIBs (rib-compare.ts).
 */
import { registerVerifyTarget } from '../network/verify/targets.js';
import { verifyLab } from './verify.js';
import { verifyLabRibs } from './rib-compare.js';
import { DEFAULT_LAB_ID } from './names.js';

registerVerifyTarget('lab', (ctx) => {
  const opts = { stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.lab ?? process.env.STACKS_LAB ?? DEFAULT_LAB_ID };
  return ctx.compare ? verifyLabRibs(opts) : verifyLab(opts);
});
