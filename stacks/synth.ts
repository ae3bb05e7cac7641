/**
 * `stacks synth` as a function: model → every contribution's stack → one cdktf.out tree, written
 * all or nothing; then the IPAM ledger is extended with the sites allocated for the first time.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import { replaceDirAtomically, stableJson, writeFileAtomically, writeFilesUnder } from '../lib/files.js';
import { planAddresses, type IpamPlan } from '../network/ipam.js';
import { buildTopology } from '../network/topology.js';
import type { Topology } from '../network/types.js';
import type { StackContribution, SynthContext } from './contribution.js';
import type { TerraformJob } from './terraform-synth.js';
import { buildCloudModel, type CloudModel } from './cloud/model.js';

export interface SynthModel {
  inventory: Inventory;
  ipam: IpamPlan;
  topology: Topology;
  /** The cloud and DR model, once computed (cloudModelOf); null when the inventory has no clouds. */
  cloud?: CloudModel | null;
}

/**
 * The model's clouds, computed on first use and kept on the model: the design checks, the cloud
 * stacks and the Terraform worker all read the one copy. Unplaceable systems are kept here (the
 * policies report them); the cloud stacks refuse them (requirePlaced).
 */
export function cloudModelOf(model: SynthModel): CloudModel | undefined {
  if (model.cloud === undefined) model.cloud = buildCloudModel(model.inventory, model.topology, { allowUnplaced: true }) ?? null;
  return model.cloud ?? undefined;
}

export function buildModel(inventory: Inventory): SynthModel {
  const ipam = planAddresses(inventory);
  return { inventory, ipam, topology: buildTopology(inventory, ipam) };
}

export interface SynthOutcome {
  outdir: string;
  stacks: Array<{ name: string; files: number; terraform: boolean }>;
  files: number;
  /** Files whose bytes the previous output already held (kept as they were, timestamps included). */
  unchanged: number;
  /** Sites that received address blocks in this run (now recorded in the ledger). */
  allocated: string[];
}

/** Everything the contributions produce, collected in memory before anything touches the disk. */
export function collectFiles(contributions: StackContribution[], ctx: SynthContext): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const seen = new Set<string>();
  for (const c of contributions) {
    if (seen.has(c.name)) throw new Error(`two stacks are named "${c.name}"`);
    seen.add(c.name);
    out.set(c.name, c.files?.(ctx) ?? new Map());
  }
  return out;
}

/**
 * `terraform` is the Terraform half, already running (see terraform-synth.ts): it was started for
 * the same inventory and stack selection as `contributions`, and its files join the tree here.
 */
export async function synthesize(model: SynthModel, contributions: StackContribution[], outdir: string, terraform: TerraformJob): Promise<SynthOutcome> {
  const ctx: SynthContext = { inventory: model.inventory, topology: model.topology };
  // Render every file first: a renderer that throws leaves the old cdktf.out untouched.
  const files = collectFiles(contributions, ctx);
  const stacks: SynthOutcome['stacks'] = [];
  let total = 0;
  let unchanged = 0;
  await replaceDirAtomically(outdir, async (staging) => {
    const written = new Map(contributions.map((c) => [c.name, writeFilesUnder(join(staging, 'stacks', c.name), files.get(c.name)!, join(outdir, 'stacks', c.name))]));
    await terraform.finish(staging);
    for (const c of contributions) {
      const dir = join(staging, 'stacks', c.name);
      const { written: own, reused } = written.get(c.name)!;
      // cdktf wrote the Terraform stacks' own files; count those from the disk
      const count = c.build ? (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).length : own + reused;
      total += count;
      unchanged += reused;
      stacks.push({ name: c.name, files: count, terraform: Boolean(c.build) });
    }
  }, { removeOldInBackground: true });
  if (model.ipam.added.length) await writeLedger(model.inventory.paths.ledger!, model.ipam);
  return { outdir, stacks, files: total, unchanged, allocated: model.ipam.added };
}

const LEDGER_COMMENT =
  "IPAM allocation ledger: every site's block per family. `stacks synth` fills in sites that have no entry and never moves an existing one, so adding or removing a site renumbers nobody else. Entries of removed sites stay (their blocks remain reserved) until a person deletes them.";

/** JSON rather than YAML: the ledger has an entry per site (~2,000) and JSON parses ~50x faster. */
export async function writeLedger(file: string, ipam: IpamPlan): Promise<void> {
  await writeFileAtomically(file, stableJson({ $comment: LEDGER_COMMENT, ...ipam.ledger }));
}
