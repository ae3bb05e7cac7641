import type { CommandModule } from '../context.js';

/**
 * Every verb, in the order `stacks --help` lists them, each loaded only when it runs: a verb's
 * module pulls in its whole stack (cdktf, net-snmp, ssh2, pg, prom-client…), and loading all of
 * them costs ~0.9 s before any work starts.
 */
const LOADERS: Record<string, () => Promise<CommandModule>> = {
  synth: async () => (await import('./synth.js')).synthCommand,
  plan: async () => (await import('./plan.js')).planCommand,
  ipam: async () => (await import('./ipam.js')).ipamCommand,
  verify: async () => (await import('./verify.js')).verifyCommand,
  policy: async () => (await import('./policy.js')).policyCommand,
  clouds: async () => (await import('./clouds.js')).cloudsCommand,
  dr: async () => (await import('./dr.js')).drCommand,
  migrate: async () => (await import('./migrate.js')).migrateCommand,
  deploy: async () => (await import('./deploy.js')).deployCommand,
  destroy: async () => (await import('./destroy.js')).destroyCommand,
  drift: async () => (await import('./drift.js')).driftCommand,
  lab: async () => (await import('./lab.js')).labCommand,
  daemon: async () => (await import('./daemon.js')).daemonCommand,
  faults: async () => (await import('./faults.js')).faultsCommand,
  kpi: async () => (await import('./kpi.js')).kpiCommand,
  completion: async () => (await import('./completion.js')).completionCommand,
  audit: async () => (await import('./audit.js')).auditCommand,
  secrets: async () => (await import('./secrets.js')).secretsCommand,
  crypto: async () => (await import('./crypto.js')).cryptoCommand,
};

export const VERBS = Object.keys(LOADERS);

/** The module of `verb` alone when it is one; every module otherwise (help, an unknown verb). */
export async function loadCommands(verb: string | undefined): Promise<CommandModule[]> {
  // completion lists every verb's options, so it needs them all
  const one = verb === undefined || verb === 'completion' ? undefined : LOADERS[verb];
  return one ? [await one()] : Promise.all(Object.values(LOADERS).map((load) => load()));
}
