import type { CommandModule } from '../main.js';
import { synthCommand } from './synth.js';
import { planCommand } from './plan.js';
import { ipamCommand } from './ipam.js';
import { verifyCommand } from './verify.js';
import { policyCommand } from './policy.js';
import { drCommand } from './dr.js';
import { migrateCommand } from './migrate.js';
import { deployCommand } from './deploy.js';
import { destroyCommand } from './destroy.js';
import { labCommand } from './lab.js';
import { daemonCommand } from './daemon.js';
import { faultsCommand } from './faults.js';
import { kpiCommand } from './kpi.js';
import { cloudsCommand } from './clouds.js';

/** Every verb, in the order `stacks --help` lists them. */
export const COMMANDS: CommandModule[] = [synthCommand, planCommand, ipamCommand, verifyCommand, policyCommand, cloudsCommand, drCommand, migrateCommand, deployCommand, destroyCommand, labCommand, daemonCommand, faultsCommand, kpiCommand];
