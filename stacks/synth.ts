/**
 * `stacks synth` as a function: model → every contribution's stack → one cdktf.out tree, written
 * all or nothing; then the IPAM ledger is extended with the sites allocated for the first time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Inventory } from '../inventory/load.js';
import { fileError, makeStaging, OUTPUT_MARKER, stableJson, swapIn, writeFilesUnder, writeTemp, type WriteSummary } from '../lib/files.js';
import { faultPoint } from '../lib/faults.js';
import { writeFilesInThread, type BackgroundWrite } from '../lib/write-thread.js';
import { planAddresses, type IpamPlan } from '../network/ipam.js';
import { buildNetwork } from '../network/topology.js';
import type { Topology } from '../network/types.js';
import type { PortPlan } from '../network/ports.js';
import type { StackContribution, SynthContext } from './contribution.js';
import type { TerraformJob } from './terraform-synth.js';
import { buildCloudModel, type CloudModel } from './cloud/model.js';
import type { BackendChoice } from './cloud/backend-choice.js';
import { keepTerraformFiles } from './terraform-files.js';

export interface SynthModel {
  inventory: Inventory;
  ipam: IpamPlan;
  topology: Topology;
  /** The physical ports as the ledger must record them after this run (network/ports.ts). */
  ports: PortPlan;
  /** The cloud and DR model, once computed (cloudModelOf); null when the inventory has no clouds. */
  cloud?: CloudModel | null;
  /** The Terraform backend of every stack (defaultBackend when absent). */
  backend?: BackendChoice;
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

export function buildModel(inventory: Inventory, backend?: BackendChoice): SynthModel {
  const ipam = planAddresses(inventory);
  const { topology, ports } = buildNetwork(inventory, ipam);
  return { inventory, ipam, topology, ports, ...(backend ? { backend } : {}) };
}

export interface SynthOutcome {
  outdir: string;
  stacks: Array<{ name: string; files: number; terraform: boolean }>;
  files: number;
  /** Files whose bytes the previous output already held (kept as they were, timestamps included). */
  unchanged: number;
  /** Sites that received address blocks in this run (now recorded in the ledger). */
  allocated: string[];
  /** Cloud pools (provider networks, tenant subnets, VIPs) allocated in this run. */
  allocatedPools: string[];
  /** Interfaces given a physical port in this run, and ports freed (their interface is gone): both recorded in the ledger. */
  allocatedPorts: number;
  freedPorts: number;
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
 * The output tree of one synth, written into a staging folder and swapped in whole. `begin` renders
 * every contribution's files (a renderer that throws leaves the old output untouched) and hands
 * them to a writer thread at once, so files are created while the caller runs the design checks and
 * the plans; `add` writes what those produce; `commit` waits for the writer and the Terraform half
 * (terraform-synth.ts), then swaps the tree in; `abort` removes it. Files whose bytes the previous
 * output holds are linked, not written (writeFilesUnder).
 */
export class SynthOutput {
  private readonly extra = new Map<string, WriteSummary>();

  private constructor(
    readonly outdir: string,
    private readonly staging: string,
    private readonly contributions: StackContribution[],
    private readonly writing: BackgroundWrite,
    /** What was rendered, per stack (the design checks read the device configs from here). */
    readonly rendered: ReadonlyMap<string, ReadonlyMap<string, string>>,
  ) {}

  static async begin(outdir: string, model: SynthModel, contributions: StackContribution[]): Promise<SynthOutput> {
    const files = collectFiles(contributions, { inventory: model.inventory, topology: model.topology, backend: model.backend });
    const staging = await makeStaging(outdir);
    const writing = writeFilesInThread(
      contributions.map((c) => ({ root: join(staging, 'stacks', c.name), files: [...files.get(c.name)!], unchangedFrom: join(outdir, 'stacks', c.name) })),
    );
    return new SynthOutput(outdir, staging, contributions, writing, files);
  }

  /** More files for one stack (the checks' reports, the plans), written here and now. */
  add(stack: string, files: Map<string, string>): void {
    const s = writeFilesUnder(join(this.staging, 'stacks', stack), files, join(this.outdir, 'stacks', stack));
    const before = this.extra.get(stack) ?? { written: 0, reused: 0 };
    this.extra.set(stack, { written: before.written + s.written, reused: before.reused + s.reused });
  }

  /**
   * The output and the ledger commit together. Order: the tree is complete in staging; the new
   * ledger goes to a pending file beside the ledger (on disk); the manifest in the tree records the
   * ledger's hash; the tree is swapped in (the commit point: one rename); the pending ledger is
   * renamed over the ledger. A crash before the swap leaves both old (recoverLedger drops the
   * pending file), after it both new (recoverLedger finishes the rename). Fault points mark each step.
   */
  async commit(model: SynthModel, terraform: TerraformJob): Promise<SynthOutcome> {
    const summaries = await this.writing.done;
    const terraformUnchanged = await terraform.finish(this.staging, this.outdir);
    faultPoint('synth:staged');
    const stacks: SynthOutcome['stacks'] = [];
    let total = 0;
    let unchanged = terraformUnchanged;
    for (const [i, c] of this.contributions.entries()) {
      const extra = this.extra.get(c.name) ?? { written: 0, reused: 0 };
      const own = summaries[i]!.written + summaries[i]!.reused + extra.written + extra.reused;
      // cdktf wrote the Terraform stacks' own files; count those from the disk
      const count = c.build
        ? (await readdir(join(this.staging, 'stacks', c.name), { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).length
        : own;
      total += count;
      unchanged += summaries[i]!.reused + extra.reused;
      stacks.push({ name: c.name, files: count, terraform: Boolean(c.build) });
    }
    const ledgerFile = model.inventory.paths.ledger!;
    const ports = model.ports;
    const changed = model.ipam.added.length || model.ipam.addedPools.length || ports?.added.length || ports?.freed.length;
    const ledgerText = changed ? ledgerJson(model.ipam, ports) : undefined;
    const pending = ledgerText === undefined ? undefined : await writeTemp(ledgerFile, basename(pendingLedgerPath(ledgerFile)), ledgerText);
    faultPoint('synth:ledger-pending');
    try {
      const ledgerBytes = ledgerText ?? (existsSync(ledgerFile) ? readFileSync(ledgerFile) : '');
      writeFileSync(
        join(this.staging, OUTPUT_MARKER),
        stableJson(
          outputManifest(
            stacks.map((s) => s.name),
            ledgerBytes,
          ),
        ),
      );
      // `terraform init` leaves .terraform/ and .terraform.lock.hcl in the stack folders: carry them over
      keepTerraformFiles(join(this.outdir, 'stacks'), join(this.staging, 'stacks'));
      await swapIn(this.staging, this.outdir, { removeOldInBackground: true });
    } catch (err) {
      if (pending) rmSync(pending, { force: true });
      throw fileError(err, this.outdir);
    }
    faultPoint('synth:swapped');
    if (pending) {
      renameSync(pending, ledgerFile);
      faultPoint('synth:ledger-committed');
    }
    return {
      outdir: this.outdir,
      stacks,
      files: total,
      unchanged,
      allocated: model.ipam.added,
      allocatedPools: model.ipam.addedPools,
      allocatedPorts: ports?.added.length ?? 0,
      freedPorts: ports?.freed.length ?? 0,
    };
  }

  /** Nothing is written: stop the writer and remove the staging tree. */
  async abort(): Promise<void> {
    await this.writing.stop();
    await rm(this.staging, { recursive: true, force: true });
  }
}

const LEDGER_COMMENT =
  "IPAM allocation ledger: every site's block per family (`allocations`) and every cloud pool (`pools`: provider networks, tenant aggregates and subnets, VIPs) and every router interface's physical port (`ports`: device, model interface, VRP port). `stacks synth` fills in what has no entry and never moves an existing one, so adding or removing a site or a tenant renumbers and re-cables nobody else. Entries of removed sites and pools stay (their prefixes remain reserved) until a person deletes them; a removed interface's port is freed.";

/** JSON rather than YAML: the ledger has an entry per site (~2,000) and JSON parses ~50x faster. */
function ledgerJson(ipam: IpamPlan, ports?: PortPlan): string {
  const portSection = ports && Object.keys(ports.ledger).length ? { ports: ports.ledger } : {};
  return stableJson({ $comment: LEDGER_COMMENT, ...ipam.ledger, ...portSection });
}

/** Where the next ledger waits between the output's swap and its own rename. */
function pendingLedgerPath(ledgerFile: string): string {
  return join(dirname(ledgerFile), `.${basename(ledgerFile)}.pending`);
}

interface OutputManifest {
  tool: 'stacks';
  stacks: string[];
  /** sha256 of the ledger this output was synthesized with: ties the two commits together. */
  ledger_sha256: string;
}

function sha256(bytes: string | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** No timestamps: two synths of the same inventory write the same bytes. */
function outputManifest(stacks: string[], ledger: string | Buffer): OutputManifest {
  return { tool: 'stacks', stacks, ledger_sha256: sha256(ledger) };
}

/**
 * Finish or undo a commit a crash interrupted (run by the next synth, under the locks). A pending
 * ledger whose hash the live output records was committed with it: rename it into place. Any other
 * pending ledger belongs to an output that never went live: drop it. Returns what was done.
 */
export function recoverLedger(ledgerFile: string, outdir: string): 'none' | 'rolled-forward' | 'rolled-back' {
  const pending = pendingLedgerPath(ledgerFile);
  // a temp file of the old writer (before this scheme) is never part of a commit
  for (const stray of [`.${basename(ledgerFile)}.tmp-`].flatMap((p) => listStarting(dirname(ledgerFile), p))) rmSync(stray, { force: true });
  if (!existsSync(pending)) return 'none';
  let recorded: string | undefined;
  try {
    recorded = (JSON.parse(readFileSync(join(outdir, OUTPUT_MARKER), 'utf8')) as OutputManifest).ledger_sha256;
  } catch {
    recorded = undefined;
  }
  if (recorded && recorded === sha256(readFileSync(pending))) {
    renameSync(pending, ledgerFile);
    return 'rolled-forward';
  }
  rmSync(pending, { force: true });
  return 'rolled-back';
}

function listStarting(dir: string, prefix: string): string[] {
  try {
    return readdirSync(dir)
      .filter((e) => e.startsWith(prefix))
      .map((e) => join(dir, e));
  } catch {
    return [];
  }
}
