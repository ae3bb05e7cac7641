/**
 * Every runbook step by name (lifecycle.ts lists which runbook runs which): one implementation per
 * step, shared by the runbooks that use it.
 */
import type { StepName } from './lifecycle.js';
import { FILE_STEPS, type StepContext } from './steps.js';
import { runtimeError } from '../lib/errors.js';

const notYet = (step: StepName) => async (c: StepContext): Promise<unknown> => {
  throw runtimeError('E_NOT_YET', `${c.id}: step ${step} is not implemented yet`);
};

export const STEP_IMPL: Record<StepName, (c: StepContext) => Promise<unknown>> = {
  ...FILE_STEPS,
  'pg-prepare': notYet('pg-prepare'),
  'pg-subscribe': notYet('pg-subscribe'),
  'pg-catch-up': notYet('pg-catch-up'),
  'pg-freeze': notYet('pg-freeze'),
  'pg-drain': notYet('pg-drain'),
  'pg-verify': notYet('pg-verify'),
  'container-spec': notYet('container-spec'),
  archive: notYet('archive'),
  'verify-archive': notYet('verify-archive'),
  decommission: notYet('decommission'),
  'remove-name': notYet('remove-name'),
  'notify-dependants': notYet('notify-dependants'),
};
