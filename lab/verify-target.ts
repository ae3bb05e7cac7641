/** Registers the running lab as a `stacks verify --target lab` target (loaded on demand). */
import { registerVerifyTarget } from '../network/verify/targets.js';
import { verifyLab } from './verify.js';
import { DEFAULT_LAB_ID } from './names.js';

registerVerifyTarget('lab', (ctx) => verifyLab({ stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.lab ?? DEFAULT_LAB_ID }));
