/**
 * `stacks synth` as a function: model → every contribution's stack → one cdktf.out tree, written
 * all or nothing; then the IPAM ledger is extended with the sites allocated for the first time.
 */
import { App } from 'cdktf';
import { mkdir, writeFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import { replaceDirAtomically, stableJson, writeFileAtomically } from '../lib/files.js';
import { planAddresses, type IpamPlan } from '../network/ipam.js';
import { buildTopology } from '../network/topology.js';
import type { Topology } from '../network/types.js';
import type { StackContribution, SynthContext } from './contribution.js';

export interface SynthModel {
  inventory: Inventory;
  ipam: IpamPlan;
  topology: Topology;
}

export function buildModel(inventory: Inventory): SynthModel {
  const ipam = planAddresses(inventory);
  return { inventory, ipam, topology: buildTopology(inventory, ipam) };
}

export interface SynthOutcome {
  outdir: string;
  stacks: Array<{ name: string; files: number; terraform: boolean }>;
  files: number;
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

export async function synthesize(model: SynthModel, contributions: StackContribution[], outdir: string): Promise<SynthOutcome> {
  const ctx: SynthContext = { inventory: model.inventory, topology: model.topology };
  // Render every file first: a renderer that throws leaves the old cdktf.out untouched.
  const files = collectFiles(contributions, ctx);
  const stacks: SynthOutcome['stacks'] = [];
  let total = 0;
  await replaceDirAtomically(outdir, async (staging) => {
    const app = new App({ outdir: staging, stackTraces: false, skipValidation: false });
    const withTerraform = contributions.filter((c) => c.build);
    for (const c of withTerraform) c.build!(app, ctx);
    if (withTerraform.length) app.synth();
    for (const c of contributions) {
      const dir = join(staging, 'stacks', c.name);
      const own = files.get(c.name)!;
      for (const [rel, text] of own) {
        const file = join(dir, rel);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, text);
      }
      const count = (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).length;
      total += count;
      stacks.push({ name: c.name, files: count, terraform: Boolean(c.build) });
    }
  });
  if (model.ipam.added.length) await writeLedger(model.inventory.paths.ledger!, model.ipam);
  return { outdir, stacks, files: total, allocated: model.ipam.added };
}

const LEDGER_COMMENT =
  "IPAM allocation ledger: every site's block per family. `stacks synth` fills in sites that have no entry and never moves an existing one, so adding or removing a site renumbers nobody else. Entries of removed sites stay (their blocks remain reserved) until a person deletes them.";

/** JSON rather than YAML: the ledger has an entry per site (~2,000) and JSON parses ~50x faster. */
export async function writeLedger(file: string, ipam: IpamPlan): Promise<void> {
  await writeFileAtomically(file, stableJson({ $comment: LEDGER_COMMENT, ...ipam.ledger }));
}
