/** The running lab as a `stacks verify --target lab` target (loaded on demand by cli/verify-targets.ts). */
import type { VerifyTarget } from '../cli/verify-targets.js';
import { verifyLab } from './verify.js';
import { DEFAULT_LAB_ID } from './names.js';

export const labVerifyTarget: VerifyTarget = (ctx) =>
  verifyLab({ stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.lab ?? process.env.STACKS_LAB ?? DEFAULT_LAB_ID });
