/**
 * The ssh target: routers outside the lab, listed in the inventory's routers.yaml by management
 * address and platform, reached over SSH (session.ts) and configured through their platform's
 * config driver — the same NAPALM cycle as the lab: load, compare, commit with a revert timer on the
 * router, post-checks (every OSPF/OSPFv3 adjacency Full before the commit is Full again), confirm or
 * roll back. Routers are done `parallel` at a time; a router that fails is named and left on its
 * confirmed config (its own timer reverts a commit nobody confirms), and the journal lets the next
 * deploy resume. State and pinned host keys live under `<state-dir>/ssh/<instance>/`.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import type { ApplyOptions, ApplyOutcome, ApplyResult, DeviceDrift, Target, TargetContext, TargetPlan } from '../types.js';
import type { ConfigDriver, OspfNeighbour } from '../../drivers/types.js';
import { driverFor } from '../../drivers/registry.js';
import { diffIsEmpty } from '../../drivers/frr/driver.js';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { renderFrr } from '../../network/render/frr.js';
import type { Topology } from '../../network/types.js';
import type { OspfKeyring } from '../../network/ospf-keyring.js';
import { readKeyring } from '../../lib/ospf-keyring-file.js';
import { redactSecretValues, SecretStore, withKnownSecrets } from '../../lib/secret-refs.js';
import { assertCandidatesParse, resolveConfigs } from '../candidates.js';
import { summarize, type VerificationCheck } from '../../network/verify/report.js';
import { PRIVATE, writeFileAtomically } from '../../lib/files.js';
import { ensurePrivateDir } from '../../lib/private-files.js';
import { inputError } from '../../lib/errors.js';
import { sshStateDir, sshStateFile } from './paths.js';
import { acquireLock } from '../../lib/lock.js';
import { mapLimit } from '../../lib/map-limit.js';
import { loadRouters, type RouterEntry } from './inventory.js';
import type { RoutersFile } from '../../inventory/routers-schema.js';
import { resolveCredentials, type SshCredential } from './credentials.js';
import { KnownHosts } from './known-hosts.js';
import { RouterSession } from './session.js';

interface RouterState {
  phase: 'committing' | 'confirmed' | 'rolled-back';
  /** The rendered config last confirmed, with its secret references (never their values). */
  config?: string;
  /** Hash of what the router runs (values in): a changed secret is a change. */
  configHash?: string;
  pending?: { hash: string; startedAt: string };
  lastError?: string;
}

interface SshState {
  version: 1;
  devices: Record<string, RouterState>;
}

/**
 * What each platform runs, rendered from the model with the state's OSPF keyring (as synth and the
 * lab render it), and the parser that gates it before the push. A new platform adds its renderer
 * and gate here with its driver.
 */
const PLATFORMS: Record<string, { render: (t: Topology, device: string, keys: OspfKeyring) => string; gate: 'frr' }> = {
  frr: { render: (t, d, ospfKeys) => renderFrr(t, d, { ospfKeys }), gate: 'frr' },
};

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const dirOf = (ctx: TargetContext) => sshStateDir(ctx.stateDir, ctx.instance);

async function readSshState(file: string): Promise<SshState> {
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as SshState) : { version: 1, devices: {} };
}

interface Opened {
  topology: Topology;
  routers: RouterEntry[];
  /** Device → its login, from the sealed store (values in memory only), read by `logins` when a router is to be contacted. */
  credentials?: Map<string, SshCredential>;
  doc: RoutersFile;
  file: string;
  dir: string;
  state: SshState;
  /** Device → its rendered config, secret references in. */
  rendered: Map<string, string>;
}

async function openTarget(ctx: TargetContext): Promise<Opened> {
  const inv = await loadInventory(ctx.inventoryDir);
  const topology = buildTopology(inv);
  const { file, doc, routers } = loadRouters(inv, new Set(topology.devices.map((d) => d.id)));
  for (const [i, r] of routers.entries())
    if (!Object.hasOwn(PLATFORMS, r.platform))
      throw inputError(
        'E_PLATFORM',
        file,
        `routers[${i}].platform`,
        `${r.device}: no renderer for platform "${r.platform}"`,
        `platforms: ${Object.keys(PLATFORMS).join(', ')}`,
      );
  const dir = dirOf(ctx);
  const keys = readKeyring(ctx.stateDir);
  const rendered = new Map(routers.map((r) => [r.device, PLATFORMS[r.platform]!.render(topology, r.device, keys)]));
  return { topology, routers, doc, file, dir, state: await readSshState(sshStateFile(ctx.stateDir, ctx.instance)), rendered };
}

/** What apply pushes: every rendered config resolved (values in) and, where it will be pushed, gated by its platform's parser. */
interface Resolved {
  secrets: SecretStore;
  resolved: Map<string, string>;
}

async function resolveAndGate(o: Opened, ctx: TargetContext, opts: ApplyOptions): Promise<Resolved> {
  const { secrets, resolved } = resolveConfigs(
    ctx.stateDir,
    o.routers.map((r) => ({ device: r.device, where: `ssh:${r.device}`, text: o.rendered.get(r.device)! })),
  );
  const toPush = o.routers.filter((r) => {
    const prev = o.state.devices[r.device];
    return opts.refresh || prev?.phase !== 'confirmed' || prev.configHash !== hash(resolved.get(r.device)!);
  });
  await assertCandidatesParse(
    toPush
      .filter((r) => PLATFORMS[r.platform]!.gate === 'frr')
      .map((r) => ({ device: r.device, file: `ssh://${r.address}/etc/frr/candidate.conf`, text: resolved.get(r.device)! })),
    secrets,
  );
  return { secrets, resolved };
}

export interface SshTuning {
  timeoutMs?: number;
  retries?: number;
}

/** Every router's login, read once and before any router is contacted: a missing one refuses the command, naming devices and references. */
function logins(o: Opened, ctx: TargetContext): Map<string, SshCredential> {
  o.credentials ??= resolveCredentials(o.file, o.doc, o.routers, SecretStore.forState(ctx.stateDir), ctx.stateDir);
  return o.credentials;
}

async function withDriver<T>(o: Opened, ctx: TargetContext, r: RouterEntry, tuning: SshTuning, fn: (drv: ConfigDriver) => Promise<T>): Promise<T> {
  const knownHosts = await KnownHosts.open(join(o.dir, 'known_hosts.json'));
  const session = await RouterSession.connect({
    device: r.device,
    endpoint: { address: r.address, port: r.port, user: r.user },
    jump: r.jump,
    credential: logins(o, ctx).get(r.device)!,
    knownHosts,
    timeoutMs: tuning.timeoutMs ?? 10_000,
    retries: tuning.retries ?? 2,
  });
  try {
    return await fn(driverFor(r.platform, session, o.file));
  } finally {
    session.close();
  }
}

const fullIds = (ns: OspfNeighbour[]) => new Set(ns.filter((n) => n.state.startsWith('Full')).map((n) => `${n.family} ${n.routerId}`));

async function pushRouter(
  o: Opened,
  ctx: TargetContext,
  r: RouterEntry,
  opts: ApplyOptions,
  x: Resolved,
  save: (fn: (s: SshState) => void) => Promise<void>,
): Promise<ApplyOutcome> {
  const started = Date.now();
  const id = r.device;
  // the router gets the values; the state keeps the references
  const candidate = x.resolved.get(id)!;
  const recorded = o.rendered.get(id)!;
  const h = hash(candidate);
  const prev = o.state.devices[id];
  const done = (x: Omit<ApplyOutcome, 'device' | 'seconds'>): ApplyOutcome => ({ device: id, ...x, seconds: (Date.now() - started) / 1000 });
  if (!opts.refresh && prev?.phase === 'confirmed' && prev.configHash === h) return done({ action: 'unchanged' });
  try {
    return await withDriver(o, ctx, r, { timeoutMs: num(opts.targetOptions?.timeoutMs), retries: num(opts.targetOptions?.retries) }, async (drv) => {
      await drv.loadReplaceCandidate(candidate);
      if (diffIsEmpty(await drv.compareConfig()) && !(await drv.hasPendingCommit())) {
        await save((s) => (s.devices[id] = { phase: 'confirmed', config: recorded, configHash: h }));
        return done({ action: 'unchanged' });
      }
      const before = fullIds(await drv.getOspfNeighbours());
      await save((s) => (s.devices[id] = { ...prev, phase: 'committing', pending: { hash: h, startedAt: new Date().toISOString() } }));
      await drv.commitConfig({ revertInSeconds: opts.confirmSeconds ?? 180 });
      const deadline = Date.now() + (opts.checkTimeoutMs ?? 30_000);
      let missing: string[] = [];
      for (;;) {
        const now = fullIds(await drv.getOspfNeighbours());
        missing = [...before].filter((n) => !now.has(n));
        if (missing.length === 0 || Date.now() > deadline) break;
        await new Promise((res) => setTimeout(res, 500));
      }
      if (missing.length === 0) {
        await drv.confirmCommit();
        await save((s) => (s.devices[id] = { phase: 'confirmed', config: recorded, configHash: h }));
        return done({ action: 'changed' });
      }
      await drv.rollback();
      const reason = `rolled back: adjacencies lost after the commit: ${missing.join(', ')}`;
      await save((s) => (s.devices[id] = { ...prev, phase: prev?.config ? 'confirmed' : 'rolled-back', pending: undefined, lastError: reason }));
      return done({ action: 'rolled-back', reason });
    });
  } catch (err) {
    // device output (a refused line) may quote a value
    const message = redactSecretValues((err as Error).message, x.secrets.allValues());
    const reason = message.startsWith(id) ? message : `${id}: ${message}`;
    await save((s) => (s.devices[id] = { ...(s.devices[id] ?? { phase: 'rolled-back' }), lastError: reason }));
    return done({ action: 'failed', reason });
  }
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export const target: Target = {
  name: 'ssh',

  async plan(ctx): Promise<TargetPlan> {
    const o = await openTarget(ctx);
    const devices = o.routers.map((r) => {
      // both sides hold references, never values
      const next = o.rendered.get(r.device)!;
      const rec = o.state.devices[r.device]?.config;
      if (rec !== undefined && hash(rec) === hash(next)) return { device: r.device, action: 'no-op' as const, diff: [], added: 0, removed: 0 };
      const diff = structuredPatch(r.device, r.device, rec ?? '', next, '', '', { context: 2 }).hunks.flatMap((h) => h.lines);
      return {
        device: r.device,
        action: rec === undefined ? ('create' as const) : ('update' as const),
        diff,
        added: diff.filter((l) => l.startsWith('+')).length,
        removed: diff.filter((l) => l.startsWith('-')).length,
      };
    });
    const n = (a: string) => devices.filter((d) => d.action === a).length;
    const summary = { create: n('create'), update: n('update'), delete: 0, noop: n('no-op') };
    const text = [
      ...devices
        .filter((d) => d.action !== 'no-op')
        .map((d) => `${d.action === 'create' ? '+' : '~'} ${d.device} (${d.action}: +${d.added} -${d.removed} lines)`),
      `ssh ${ctx.instance}: ${summary.create} to create, ${summary.update} to update, ${summary.noop} unchanged`,
    ].join('\n');
    return { target: 'ssh', instance: ctx.instance, deployed: Object.keys(o.state.devices).length > 0, devices, summary, text };
  },

  async apply(ctx, opts): Promise<ApplyResult> {
    if (opts.atomic) throw inputError('E_USAGE', '(command line)', '--atomic', 'network-wide transactions run on the lab target only so far (not yet on ssh)');
    const started = Date.now();
    // taken before the state is read or a secret generated: a refused deploy touches neither
    const lock = acquireLock(join(dirOf(ctx), 'deploy.lock'), 'deploy');
    try {
      const o = await openTarget(ctx);
      logins(o, ctx); // a missing login refuses the deploy before a secret is generated or a router contacted
      ensurePrivateDir(o.dir); // the routers' state: committed configs (their keys) and pins
      const x = await resolveAndGate(o, ctx, opts);
      let chain = Promise.resolve();
      const save = (fn: (s: SshState) => void) => {
        fn(o.state);
        const text = JSON.stringify(o.state, null, 2) + '\n';
        chain = chain.then(() => writeFileAtomically(sshStateFile(ctx.stateDir, ctx.instance), text, PRIVATE));
        return chain;
      };
      const outcomes = await mapLimit(o.routers, opts.parallel ?? 4, (r) => pushRouter(o, ctx, r, opts, x, save));
      await chain;
      const count = (a: ApplyOutcome['action']) => outcomes.filter((x) => x.action === a).length;
      const lines = outcomes.filter((x) => x.action !== 'unchanged').map((x) => `  ${x.device}: ${x.action}${x.reason ? ` — ${x.reason}` : ''}`);
      const seconds = (Date.now() - started) / 1000;
      lines.push(
        `ssh ${ctx.instance}: ${outcomes.length} routers — ${count('changed')} changed, ${count('unchanged')} unchanged, ${count('rolled-back')} rolled back, ${count('failed')} failed in ${seconds.toFixed(1)} s`,
      );
      return {
        target: 'ssh',
        instance: ctx.instance,
        devices: outcomes.length,
        changed: count('changed'),
        unchanged: count('unchanged'),
        rolledBack: count('rolled-back'),
        failed: count('failed'),
        interrupted: false,
        outcomes,
        seconds,
        text: lines.join('\n'),
        ok: count('rolled-back') + count('failed') === 0,
      };
    } finally {
      lock.release();
    }
  },

  async destroy(ctx) {
    // Real routers are not torn down from here: the target forgets them (state and pinned keys).
    const started = Date.now();
    await rm(dirOf(ctx), { recursive: true, force: true });
    return {
      target: 'ssh',
      instance: ctx.instance,
      seconds: (Date.now() - started) / 1000,
      text: `ssh ${ctx.instance}: state and pinned host keys removed; the routers keep their running configs`,
    };
  },

  async verify(ctx) {
    const o = await openTarget({ stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, instance: ctx.instance });
    const drift = await target.drift({ stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, instance: ctx.instance });
    const checks: VerificationCheck[] = [
      {
        id: 'router-reachable',
        title: 'every router answers over SSH with its pinned host key',
        passed: drift.every((d) => !d.error),
        failures: drift.filter((d) => d.error).map((d) => ({ object: `device:${d.device}`, message: d.error! })),
      },
      {
        id: 'router-as-intended',
        title: 'every router runs its rendered config',
        passed: drift.every((d) => d.error || d.commands.length === 0),
        failures: drift
          .filter((d) => !d.error && d.commands.length)
          .map((d) => ({ object: `device:${d.device}`, message: `${d.commands.length} commands from its intent` })),
      },
    ];
    return summarize('ssh', checks, { devices: o.routers.length, links: 0, sites: 0 });
  },

  async status(ctx) {
    const o = await openTarget(ctx);
    logins(o, ctx);
    const rows = await mapLimit(o.routers, 4, async (r) => {
      try {
        const facts = await withDriver(o, ctx, r, {}, (drv) => drv.getFacts());
        return { device: r.device, reachable: true, facts, phase: o.state.devices[r.device]?.phase };
      } catch (err) {
        return { device: r.device, reachable: false, error: (err as Error).message, phase: o.state.devices[r.device]?.phase };
      }
    });
    const text = rows
      .map((x) => `  ${x.device.padEnd(28)} ${x.reachable ? `up  ${x.facts?.vendor} ${x.facts?.osVersion}` : `DOWN ${x.error}`}  ${x.phase ?? 'not deployed'}`)
      .join('\n');
    return {
      target: 'ssh',
      instance: ctx.instance,
      deployed: Object.keys(o.state.devices).length > 0,
      healthy: rows.every((x) => x.reachable),
      text,
      detail: rows,
    };
  },

  async snmpTargets(ctx) {
    const o = await openTarget(ctx);
    const sites = new Map(o.topology.devices.map((d) => [d.id, d]));
    return {
      targets: o.routers.map((r) => ({
        device: r.device,
        hostname: sites.get(r.device)!.hostname,
        site: sites.get(r.device)!.site,
        address: r.address,
        port: 161,
      })),
      inventoryDir: ctx.inventoryDir,
    };
  },

  async drift(ctx): Promise<DeviceDrift[]> {
    const o = await openTarget(ctx);
    // the intent with the values the routers hold, so a reference never reads as drift; what comes out names no value
    const secrets = SecretStore.forState(ctx.stateDir);
    const redact = (t: string) => redactSecretValues(t, secrets.allValues());
    logins(o, ctx);
    return mapLimit(o.routers, 4, async (r): Promise<DeviceDrift> => {
      try {
        const intended = withKnownSecrets(o.rendered.get(r.device)!, secrets);
        const commands = await withDriver(o, ctx, r, {}, (drv) => drv.compareRunning(intended));
        return { device: r.device, platform: r.platform, commands: commands.map(redact) };
      } catch (err) {
        return { device: r.device, platform: r.platform, commands: [], error: redact((err as Error).message) };
      }
    });
  },
};
