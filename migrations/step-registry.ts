/**
 * Every runbook step by name (lifecycle.ts lists which runbook runs which): one implementation per
 * step, shared by the runbooks that use it.
 */
import type { StepName } from './lifecycle.js';
import { FILE_STEPS, type StepContext } from './steps.js';
import { archive, containerSpec, decommission, finalizeDecommission, notifyDependants, removeName, verifyArchive } from './steps-strategies.js';
import { pgCatchUp, pgDrain, pgFinalize, pgFreeze, pgPrepare, pgSubscribe, pgVerify, pgVerifyThroughName } from './steps-pg.js';

export const STEP_IMPL: Record<StepName, (c: StepContext) => Promise<unknown>> = {
  ...FILE_STEPS,
  'pg-prepare': pgPrepare,
  'pg-subscribe': pgSubscribe,
  'pg-catch-up': pgCatchUp,
  'pg-freeze': pgFreeze,
  'pg-drain': pgDrain,
  'pg-verify': pgVerify,
  'pg-check-name': pgVerifyThroughName,
  'pg-finalize': pgFinalize,
  'container-spec': containerSpec,
  archive,
  'verify-archive': verifyArchive,
  decommission,
  'remove-name': removeName,
  'finalize-decommission': finalizeDecommission,
  'notify-dependants': notifyDependants,
};
