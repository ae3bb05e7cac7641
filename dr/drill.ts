/**
 * `stacks dr drill`: a game day on the lab. Pre-checks → inject the failure → the failover runbook →
 * RTO and RPO from a writer that ran through it → post-checks → failback when asked → restore the
 * lab (always: error, Ctrl-C and all) → a report stored durably.
 */
import { labUpForDrill } from './lab-up.js';
import { ensurePostgres, loadDrModel } from './lifecycle.js';
import { destroyLab } from '../lab/destroy.js';
import { deviceNs } from '../lab/names.js';
import { requireRoot } from '../lab/preflight.js';
import { inputError, runtimeError } from '../lib/errors.js';
import { drillTargets, isTarget, targetNames, unknownTarget } from '../targets/registry.js';
import { scenario as findScenario } from './scenarios.js';
import { faultCentreLinks, uplinkPeers, linkEnds, linksDown, requireLabNamespaces, serviceAddressHolders, setLinks, type LinkEnd } from './lab-centres.js';
import { bringUpService, nodeContext, readService, teardownService, waitStreaming, type ServiceRecord } from './service.js';
import { processesNaming } from '../lib/processes.js';
import { query, ready, stop } from './pg-node.js';
import { Writer } from './writer-client.js';
import { DrillAborted, Recorder } from './recorder.js';
import { failback, failover, postChecks, type RunbookContext } from './runbook.js';
import { measure, round, verdict, type DrillReport, type StepRecord } from './report.js';
import { clearJournal, recoverAbandoned, runningDrill, writeJournal } from './journal.js';
import { reportId, saveReport } from './store.js';
import { sleep, until } from './exec.js';

export interface DrillOptions {
  stateDir: string;
  inventoryDir: string;
  scenario: string;
  lab?: string;
  /** Only a target the registry lets drill is accepted unless `force`. */
  target?: string;
  force?: boolean;
  classId?: string;
  client?: string;
  failback?: boolean;
  /** Deploy the lab when it is not running (and destroy it at the end). */
  deploy?: boolean;
  scope?: string;
  signal?: AbortSignal;
  onStep?: (s: StepRecord) => void;
}

export interface DrillResult {
  report: DrillReport;
  files: { json: string; text: string };
}

/** Where a drill runs when no `--target` is given: the first target the registry lets drill. */
export const DEFAULT_DRILL_TARGET = drillTargets()[0]!;

/**
 * Refuse any target the registry does not let drill (targets/registry.ts) unless forced; forced, a
 * registered one still has no drill driver, and a name nobody registered is bad usage.
 */
export function checkTarget(target: string, force: boolean): void {
  const drillable = drillTargets();
  if (drillable.includes(target)) return;
  if (!force) {
    throw inputError(
      'E_DR_TARGET',
      '(command line)',
      '--target',
      `refusing to drill target "${target}": a drill takes centres down and only runs on ${drillable.join(', ')}`,
      `use --target ${drillable[0]}, or --force if you really mean a live target (targets: ${targetNames().join(', ')})`,
    );
  }
  if (!isTarget(target)) throw unknownTarget(target);
  throw runtimeError('E_DR_TARGET', `no drill driver for target "${target}" (forced): only ${drillable.join(', ')} can be drilled from here`);
}

export async function runDrill(opts: DrillOptions): Promise<DrillResult> {
  checkTarget(opts.target ?? DEFAULT_DRILL_TARGET, opts.force ?? false);
  const started = Date.now();
  findScenario(opts.scenario); // bad scenario names fail before anything is touched
  const model = { stateDir: opts.stateDir, inventoryDir: opts.inventoryDir, lab: opts.lab, scope: opts.scope, classId: opts.classId, client: opts.client };
  let { lab, layout, hba, cls, scoped } = await loadDrModel(model);
  const sc = findScenario(opts.scenario, layout);
  requireRoot();
  await ensurePostgres();
  const busy = await runningDrill(opts.stateDir, lab);
  if (busy) throw runtimeError('E_DR_BUSY', `another drill (pid ${busy}) runs on lab "${lab}"`, 'wait for it to finish');
  const recovered = await recoverAbandoned(opts.stateDir, lab);

  let deployedLab = false;
  try {
    await requireLabNamespaces(lab, layout);
  } catch (err) {
    if (!opts.deploy) throw err;
    deployedLab = true;
    try {
      await labUpForDrill({ stateDir: opts.stateDir, inventoryDir: opts.inventoryDir, lab, scope: opts.scope, signal: opts.signal });
    } catch (e) {
      await destroyLab({ stateDir: opts.stateDir, lab });
      throw e;
    }
    ({ lab, layout, hba, cls, scoped } = await loadDrModel({ ...model, lab, scope: undefined }));
    await requireLabNamespaces(lab, layout);
  }
  if (await readService(opts.stateDir, lab)) {
    if (deployedLab) await destroyLab({ stateDir: opts.stateDir, lab });
    throw runtimeError('E_DR_BUSY', `a DR sample service is already running in lab "${lab}"`, 'remove it with `stacks dr down` (a drill builds its own)');
  }

  const recorder = new Recorder(started, opts.signal, opts.onStep);
  const hit = layout.nodes.find((n) => n.role === sc.hits)!;
  const ends: LinkEnd[] = linkEnds(lab, scoped, hit.uplinks);
  const clientNs = deviceNs(lab, layout.client);
  const labOpts = { stateDir: opts.stateDir, inventoryDir: opts.inventoryDir, lab };
  const faults = uplinkPeers(scoped, hit).map((peer) => ({ device: hit.device, peer }));
  await writeJournal(opts.stateDir, {
    pid: process.pid,
    lab,
    startedAt: new Date(started).toISOString(),
    ends,
    faults,
    inventoryDir: opts.inventoryDir,
    deployedLab,
  });

  let rec: ServiceRecord | undefined;
  const writers: Writer[] = [];
  let failAt = 0;
  let cutAt = 0;
  let faultRecord: Promise<unknown> | undefined;
  let outcome: ReturnType<typeof measure> | undefined;
  let primaryAfter: string | null = null;
  let failbackResult: DrillReport['failback'] = opts.failback ? { requested: true, done: false, downtime_s: null, writes_lost: 0 } : null;
  let aborted: string | undefined;
  let error: unknown;
  const run = `drill-${started}`;
  try {
    if (recovered.length) await recorder.always('pre-check', 'restore what an abandoned drill left', async () => recovered.join('; '));
    rec = await recorder.step(
      'pre-check',
      `bring up the sample service: primary in ${layout.nodes[0]!.centre}, ${layout.nodes
        .slice(1)
        .map((n) => `${n.mode} standby in ${n.centre}`)
        .join(', ')}`,
      () => bringUpService(opts.stateDir, lab, layout, hba),
    );
    const service = rec;
    const rb: RunbookContext = { rec: service, stateDir: opts.stateDir, clientNs, recorder, signal: opts.signal };
    const writer = new Writer(clientNs, layout.serviceAddress.ipv4.split('/')[0]!, run);
    writers.push(writer);
    await recorder.check('pre-check', `writer on ${layout.client} commits through ${layout.serviceAddress.ipv4}`, async () => {
      const deadline = Date.now() + 20_000;
      while (writer.log.acks.length < 20 && Date.now() < deadline && !opts.signal?.aborted) await sleep(100, opts.signal);
      return { ok: writer.log.acks.length >= 20, detail: `${writer.log.acks.length} writes acknowledged` };
    });
    for (const family of ['ipv4', 'ipv6'] as const) {
      const addr = layout.serviceAddress[family].split('/')[0]!;
      // The address was just placed: the route to it reaches the client as OSPF converges, which on a
      // loaded host takes seconds (the post-checks wait the same way).
      await recorder.check('pre-check', `service answers on ${addr}`, async () => ({
        ok: await until(() => ready(clientNs, addr, 1), 15_000, 300, opts.signal),
      }));
    }
    const prodCtx = nodeContext(service, layout.nodes[0]!);
    for (const n of layout.nodes.slice(1)) {
      await recorder.check('pre-check', `${n.centre} streams ${n.mode === 'sync' ? 'synchronously' : 'asynchronously'}`, async () => ({
        ok: await waitStreaming(prodCtx, n.appName, { sync: n.mode === 'sync', timeoutMs: 20_000, signal: opts.signal }),
      }));
    }
    await recorder.check('pre-check', 'service address held by production only', async () => {
      const h = await serviceAddressHolders(lab, layout);
      return { ok: h.length === 1 && h[0] === layout.nodes[0]!.centre, detail: h.join(', ') };
    });
    if (recorder.steps.some((s) => !s.ok)) throw runtimeError('E_DR_PRECHECK', 'pre-checks failed: the lab is not in a state to drill');

    // The failure itself is instantaneous: every uplink down in one go, the database killed. The
    // lab's fault record (`stacks lab fault link … down`, which reloads the model) is written
    // meanwhile and awaited before the post-checks, so its bookkeeping never counts as outage.
    failAt = Date.now();
    await recorder.step('inject', `take ${hit.centre}'s uplinks down (${hit.uplinks.join(', ')})`, () => setLinks(ends, 'down'));
    cutAt = Date.now();
    if (sc.stopsProcesses)
      await recorder.step('inject', `stop ${hit.centre}'s processes (database killed, no shutdown)`, () => stop(nodeContext(service, hit), 'immediate'));
    faultRecord = recorder.step(
      'inject',
      `record the fault in the lab (stacks lab fault link ${faults.map((f) => `${f.device} ${f.peer}`).join(', ')} down)`,
      () => faultCentreLinks(labOpts, scoped, hit, 'down'),
    );
    faultRecord.catch(() => undefined);
    primaryAfter = await failover(rb, sc);
    await recorder.step(
      'measure',
      'service answers again (a write started after the failure is acknowledged)',
      async () => {
        const limit = Math.min(layout.protectionClass.rtoS * 1000 + 5000, 120_000);
        while (!writer.firstAckStartedAfter(cutAt) && Date.now() - failAt < limit && !opts.signal?.aborted) await sleep(50, opts.signal);
        const a = writer.firstAckStartedAfter(cutAt);
        if (!a) throw new Error(`no write acknowledged within ${limit / 1000} s`);
        return round((a.ackMs - failAt) / 1000);
      },
      (rto) => `RTO ${rto} s`,
    );
    await faultRecord;
    await postChecks(rb, sc);
    await sleep(1000, opts.signal);
    const log = await writer.stop();
    const primaryCtx = nodeContext(service, layout.nodes.find((n) => n.centre === service.primary)!);
    outcome = await recorder.step(
      'measure',
      `count acknowledged writes missing on ${service.primary}`,
      async () => {
        const rows = await query<{ id: string }>(primaryCtx, 'SELECT id FROM drill_writes WHERE run = $1', [run]);
        return measure({ failAtMs: failAt, cutAtMs: cutAt, acks: log.acks, present: new Set(rows.map((r) => Number(r.id))) });
      },
      (o) => `${o.writes_lost} of ${o.writes_acked} lost`,
    );

    if (opts.failback) {
      await recorder.step('failback', `bring ${hit.centre}'s links up (stacks lab fault … up)`, () => faultCentreLinks(labOpts, scoped, hit, 'up'));
      const fbRun = `${run}-failback`;
      const fbWriter = new Writer(clientNs, layout.serviceAddress.ipv4.split('/')[0]!, fbRun);
      writers.push(fbWriter);
      const fbStart = Date.now();
      while (fbWriter.log.acks.length < 10 && Date.now() - fbStart < 15_000) await sleep(100, opts.signal);
      await failback(rb, sc);
      await sleep(1000, opts.signal);
      const fbLog = await fbWriter.stop();
      const prod = nodeContext(service, layout.nodes[0]!);
      const rows = await query<{ id: string }>(prod, 'SELECT id FROM drill_writes WHERE run = $1', [fbRun]);
      const m = measure({ failAtMs: fbStart, acks: fbLog.acks, present: new Set(rows.map((r) => Number(r.id))) });
      failbackResult = { requested: true, done: true, downtime_s: m.max_write_gap_s, writes_lost: m.writes_lost };
      await recorder.check('post-check', 'after failback: production primary, service address back, no acknowledged write lost', async () => {
        const h = await serviceAddressHolders(lab, layout);
        return {
          ok: h.length === 1 && h[0] === layout.nodes[0]!.centre && m.writes_lost === 0,
          detail: `address on ${h.join(', ')}; ${m.writes_lost} lost; downtime ${m.max_write_gap_s} s`,
        };
      });
      primaryAfter = service.primary;
    }
  } catch (err) {
    if (err instanceof DrillAborted || opts.signal?.aborted) aborted = `interrupted (${(err as Error).message})`;
    else {
      aborted = `error: ${(err as Error).message}`;
      error = err;
    }
  } finally {
    for (const w of writers) await w.stop().catch(() => undefined);
    // A fault record still being written would otherwise take the links down again after the restore.
    await faultRecord?.catch(() => undefined);
    await recorder.always('restore', 'bring every link the drill touched back up', async () => {
      await faultCentreLinks(labOpts, scoped, hit, 'up').catch(() => undefined);
      await setLinks(ends, 'up');
      const still = await linksDown(ends);
      if (still.length) throw new Error(`still down: ${still.join(', ')}`);
    });
    const svc = rec ?? (await readService(opts.stateDir, lab));
    if (svc) {
      await recorder.always('restore', 'remove the sample service (databases, addresses)', async () => {
        await teardownService(opts.stateDir, svc);
        const left = processesNaming(svc.root + '/');
        if (left.length) throw new Error(`processes left: ${left.join(', ')}`);
      });
    }
    if (deployedLab)
      await recorder.always('restore', 'destroy the lab the drill deployed', async () => void (await destroyLab({ stateDir: opts.stateDir, lab })));
    await clearJournal(opts.stateDir, lab);
  }

  const finished = Date.now();
  const o = outcome ?? { rto_s: null, rpo_s: 0, writes_acked: writers[0]?.log.acks.length ?? 0, writes_lost: 0, lost_ids: [], max_write_gap_s: 0 };
  const klass = { id: cls.id, name: cls.name, gbt20988_level: cls.level, rto_s: cls.rtoS, rpo_s: cls.rpoS };
  const failures = outcome ? verdict(o, klass, recorder.steps) : ['the drill did not get to measure RTO and RPO'];
  if (aborted) failures.push(aborted);
  for (const s of recorder.steps) if (!s.ok && s.phase === 'restore') failures.push(`restore failed: ${s.name} (${s.detail ?? ''})`);
  const report: DrillReport = {
    id: reportId(started, sc.id),
    scenario: sc.id,
    title: sc.title,
    lab,
    target: opts.target ?? DEFAULT_DRILL_TARGET,
    system: `drill sample service (PostgreSQL 15) on ${layout.nodes.map((n) => `${n.centre}/${n.device}`).join(', ')}, writer on ${layout.client}`,
    class: klass,
    started_at: new Date(started).toISOString(),
    finished_at: new Date(finished).toISOString(),
    duration_s: round((finished - started) / 1000),
    steps: [...recorder.steps].sort((a, b) => a.at_s - b.at_s),
    ...o,
    primary_before: layout.nodes[0]!.centre,
    primary_after: primaryAfter,
    failback: failbackResult,
    passed: failures.length === 0,
    failures,
    ...(aborted ? { aborted } : {}),
  };
  const files = await saveReport(opts.stateDir, report);
  if (error && !(error instanceof DrillAborted)) {
    // The report is stored; the caller still learns the drill broke (exit 3), not only that it failed.
    (error as { drillReport?: DrillResult }).drillReport = { report, files };
    throw error;
  }
  return { report, files };
}
