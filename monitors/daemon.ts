/**
 * The monitoring daemon: polls every target over SNMP on a staggered schedule, listens for traps,
 * probes cloud platforms, turns what it sees into faults (debounced, stored idempotently), and
 * exposes it all on /metrics. The decisions live in pure modules (device-state, faults/tracker,
 * uptime); this file wires I/O to them.
 */
import type { Logger } from 'pino';
import type { Receiver, Session } from 'net-snmp';
import { DaemonMetrics } from './metrics.js';
import { startHttp } from './http.js';
import { analyseSample } from './device-state.js';
import { FaultTracker, type DebounceSettings, type FaultEvent } from './faults/tracker.js';
import { openSession, pollDevice, DEFAULT_SESSION_SETTINGS, type SessionSettings } from './snmp/session.js';
import { startTrapReceiver, type TrapEvent, type TrapReceiverOptions } from './snmp/traps.js';
import { probe } from './probes.js';
import { kernelUdpDrops } from './snmp/udp-drops.js';
import { availability, fixRate, WINDOWS, type WindowName } from './uptime.js';
import { OUTAGE_KINDS, type DeviceSample, type Fault, type PlatformTarget, type PollOutcome, type PollTarget } from './types.js';
import type { FaultStore } from './store/store.js';
import { alertObjects, type WebhookPayload } from './alert-webhook.js';
import { commitFaultAction } from './faults/actions.js';
import { NocPage, type NocPageOptions } from './noc/server.js';
import { backboneMap } from './noc/view.js';
import { BurnRateWindows, type SliCounts } from './noc/burn.js';
import { BURN_WINDOWS } from './codegen/rules.js';
import type { KpiRow } from './kpi.js';

export interface DaemonOptions {
  targets: PollTarget[];
  platforms: PlatformTarget[];
  store: FaultStore;
  logger: Logger;
  intervalMs: number;
  probeIntervalMs?: number;
  session?: Partial<SessionSettings>;
  /** Debounce, flap thresholds and auto-resolving kinds: the inventory's fault policy (monitors/policy.ts). */
  debounce: DebounceSettings;
  /** How often the daemon extends its watch span (time after the last heartbeat is unknown). */
  heartbeatMs?: number;
  /** Indicator 13's fix window (plan-indicators.json). */
  fixWindowMs: number;
  /** Upper bounds (s) of the fault-duration histogram (province.yaml monitoring). */
  faultDurationBuckets: readonly number[];
  /** Polls in flight at once. */
  concurrency?: number;
  http?: { host: string; port: number };
  traps?: TrapReceiverOptions;
  uptimeRefreshMs?: number;
  processMetrics?: boolean;
  /** Bearer token Alertmanager presents on the webhook; absent: no webhook endpoint. */
  webhookToken?: string;
  /** The NOC page on the HTTP listener (monitors/noc/); absent: no page. */
  noc?: NocOptions;
}

export interface NocOptions extends Pick<NocPageOptions, 'token' | 'causes' | 'onAction'> {
  /** Availability objective the burn rates are measured against (indicator 9, 2025). */
  objective: number;
  /** The KPI scorecard (`stacks kpi`'s rows), refreshed every kpiRefreshMs (default 60 s). */
  kpi?: () => Promise<KpiRow[]>;
  kpiRefreshMs?: number;
  /** How often the SLI counts are sampled for the burn rates (default 10 s). */
  burnSampleMs?: number;
}

const DURATION_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The burn-rate windows of the synthesized alerts (short and long), shortest first. */
const BURN_RATE_WINDOWS = [...new Set(BURN_WINDOWS.flatMap(([long, short]) => [short, long]))]
  .map((w) => [w, Number(w.slice(0, -1)) * DURATION_MS[w.slice(-1)]!] as const)
  .sort((a, b) => a[1] - b[1]);

interface TargetState {
  target: PollTarget;
  session?: Session;
  last?: DeviceSample;
  nextDue: number;
  inFlight: boolean;
  current?: Promise<PollOutcome>;
  /** A trap arrived while a poll was in flight: that poll's answer may predate it, so poll again. */
  recheck?: boolean;
}

export class MonitorDaemon {
  readonly metrics: DaemonMetrics;
  private tracker!: FaultTracker;
  private readonly states: TargetState[];
  private readonly byAddress = new Map<string, TargetState[]>();
  private readonly open = new Map<number, Fault>();
  private pending: FaultEvent[] = [];
  private flushing: Promise<void> | undefined;
  private timers: NodeJS.Timeout[] = [];
  private receiver?: Receiver;
  private http?: { port: number; close(): Promise<void> };
  private noc?: NocPage;
  private burn?: BurnRateWindows;
  private inFlight = 0;
  private stopped = false;
  private watchSpan: number | undefined;
  private readonly session: SessionSettings;
  /** Link object → its ends currently seen down (for the up/down gauge). */
  private readonly linkBad = new Map<string, Set<string>>();

  constructor(private readonly opts: DaemonOptions) {
    this.metrics = new DaemonMetrics({
      processMetrics: opts.processMetrics,
      faultDurationBuckets: opts.faultDurationBuckets,
      fixWindowMs: opts.fixWindowMs,
    });
    this.session = { ...DEFAULT_SESSION_SETTINGS, ...opts.session };
    const now = Date.now();
    this.states = opts.targets.map((target, i) => ({
      target,
      nextDue: now + Math.floor((i / Math.max(1, opts.targets.length)) * opts.intervalMs),
      inFlight: false,
    }));
    for (const s of this.states) {
      const list = this.byAddress.get(s.target.address) ?? [];
      list.push(s);
      this.byAddress.set(s.target.address, list);
    }
  }

  private get fixWindowMs(): number {
    return this.opts.fixWindowMs;
  }

  get httpPort(): number | undefined {
    return this.http?.port;
  }

  async start(): Promise<void> {
    const { store, logger } = this.opts;
    // The gap since the last run stays outside every span: unknown, never up.
    this.watchSpan = await store.beginWatch(Date.now());
    const stillOpen = await store.activeFaults();
    for (const f of await store.listFaults({ openOnly: true })) this.open.set(f.id, f);
    this.tracker = new FaultTracker(this.opts.debounce, stillOpen);
    const objects = [
      ...this.opts.targets.map((t) => ({ object: `device:${t.device}`, type: 'device' })),
      ...[...new Set(this.opts.targets.flatMap((t) => Object.values(t.interfaces ?? {}).map((b) => b.link)))].map((l) => ({
        object: `link:${l}`,
        type: 'link',
      })),
      ...this.opts.platforms.map((p) => ({ object: `platform:${p.id}`, type: 'platform' })),
    ];
    await store.registerObjects(objects, Date.now());
    this.refreshOpenGauges();
    if (this.opts.http && this.opts.noc) {
      const n = this.opts.noc;
      this.noc = new NocPage({ token: n.token, causes: n.causes, onAction: n.onAction, store, logger, map: backboneMap(this.opts.targets) });
      this.burn = new BurnRateWindows(n.objective, BURN_RATE_WINDOWS);
    }
    if (this.opts.http) {
      const noc = this.noc;
      this.http = await startHttp({
        ...(noc ? { routes: (req, res, path, query) => noc.handle(req, res, path, query) } : {}),
        ...this.opts.http,
        registry: this.metrics.exposition,
        faults: () => store.listFaults({ since: Date.now() - 7 * 86_400_000, limit: 500 }),
        ...(this.opts.webhookToken ? { alertmanager: { token: this.opts.webhookToken, receive: (p: WebhookPayload) => this.onAlerts(p) } } : {}),
      });
      logger.info({ host: this.opts.http.host, port: this.http.port }, 'metrics listening');
    }
    if (this.opts.traps) {
      this.receiver = startTrapReceiver(
        this.opts.traps,
        (e) => this.onTrap(e),
        (message, kind) => {
          this.metrics.traps.inc({ type: kind });
          logger.debug({ reason: message }, 'trap rejected');
        },
      );
      const ports = [...new Set(this.opts.traps.listen.map((l) => l.port))];
      this.metrics.trapDropsSource = () => {
        const drops = ports.map(kernelUdpDrops).filter((d): d is number => d !== undefined);
        return drops.length ? drops.reduce((a, b) => a + b, 0) : undefined;
      };
      logger.info({ listen: this.opts.traps.listen.map((l) => `${l.address}:${l.port}`) }, 'trap receiver listening');
    }
    logger.info(
      {
        devices: this.opts.targets.length,
        platforms: this.opts.platforms.length,
        intervalMs: this.opts.intervalMs,
        faultsStillOpen: stillOpen.length,
        store: store.backend,
      },
      'daemon started',
    );
    this.timers.push(setInterval(() => this.schedule(), Math.min(250, Math.max(20, this.opts.intervalMs / Math.max(1, this.states.length)))));
    this.timers.push(setInterval(() => this.enqueue(this.tracker.tick(Date.now())), 500));
    this.timers.push(setInterval(() => void this.beat(), this.opts.heartbeatMs ?? 10_000));
    if (this.opts.platforms.length) {
      const probeAll = () => void Promise.all(this.opts.platforms.map((p) => probe(p).then((r) => this.onProbe(p, r.up, r.at, r.error))));
      probeAll();
      this.timers.push(setInterval(probeAll, this.opts.probeIntervalMs ?? this.opts.intervalMs));
    }
    const refresh = () => void this.refreshUptime().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'uptime refresh failed'));
    refresh();
    this.timers.push(setInterval(refresh, this.opts.uptimeRefreshMs ?? 30_000));
    if (this.noc) this.startNocFeeds(this.opts.noc!);
    this.schedule();
  }

  /** The page's slow feeds: burn rates from the SLI counters, the KPI scorecard. */
  private startNocFeeds(n: NocOptions): void {
    const sampleBurn = async () => {
      const counts = new Map<string, SliCounts>();
      const add = (sli: string, k: keyof SliCounts, v: number) => {
        const c = counts.get(sli) ?? { good: 0, total: 0 };
        c[k] += v;
        counts.set(sli, c);
      };
      for (const v of (await this.metrics.sliTotal.get()).values) add(String(v.labels.sli), 'total', v.value);
      for (const v of (await this.metrics.sliGood.get()).values) add(String(v.labels.sli), 'good', v.value);
      this.burn!.add(Date.now(), counts);
      this.noc?.setBurn(this.burn!.rates());
    };
    void sampleBurn();
    this.timers.push(setInterval(() => void sampleBurn(), n.burnSampleMs ?? 10_000));
    if (n.kpi) {
      const kpi = n.kpi;
      const refreshKpi = () =>
        void kpi()
          .then((rows) => this.noc?.setKpi(rows))
          .catch((err: unknown) => this.opts.logger.warn({ err: (err as Error).message }, 'NOC page: KPI refresh failed'));
      refreshKpi();
      this.timers.push(setInterval(refreshKpi, n.kpiRefreshMs ?? 60_000));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // the page's event streams never end by themselves: close them, or the listener waits on them
    this.noc?.close();
    await new Promise<void>((res) => (this.receiver ? this.receiver.close(() => res()) : res()));
    for (const s of this.states) s.session?.close();
    await this.drain();
    await this.beat();
    await this.http?.close();
  }

  /** Extend this run's watch span to now; a failed write is counted and the next beat catches up. */
  private async beat(): Promise<void> {
    if (this.watchSpan === undefined) return;
    try {
      await this.opts.store.heartbeat(this.watchSpan, Date.now());
    } catch (err) {
      this.metrics.storeErrors.inc();
      this.opts.logger.warn({ err: (err as Error).message }, 'heartbeat write failed');
    }
  }

  /**
   * Alertmanager's notification: each alert is linked to the faults it speaks for (a journal note
   * on each, through the one lifecycle seam), so `stacks faults show` tells who was paged and when.
   */
  async onAlerts(p: WebhookPayload): Promise<{ linked: number }> {
    const site = new Map<string, string[]>();
    for (const t of this.opts.targets) if (t.placement) site.set(t.placement.site, [...(site.get(t.placement.site) ?? []), t.device]);
    const open = await this.opts.store.listFaults({ openOnly: true });
    let linked = 0;
    this.metrics.alertNotifications.inc({ receiver: p.receiver, status: p.status });
    for (const a of p.alerts) {
      const { faultId, objects } = alertObjects(a.labels, (s) => site.get(s) ?? []);
      const ids = faultId !== undefined ? [faultId] : open.filter((f) => objects.includes(f.object)).map((f) => f.id);
      for (const id of ids) {
        const r = await commitFaultAction(
          this.opts.store,
          {
            action: 'note',
            id,
            at: Date.now(),
            by: `alertmanager:${p.receiver}`,
            text: `${a.status} ${a.labels.alertname ?? 'alert'}${a.fingerprint ? ` (${a.fingerprint})` : ''}`,
          },
          [],
        );
        if (r.ok) linked++;
      }
      this.metrics.alertsReceived.inc({ receiver: p.receiver, status: a.status, linked: String(ids.length > 0) });
    }
    if (linked) this.noc?.faultsChanged();
    return { linked };
  }

  /** Wait until every fault event seen so far is in the store. */
  async drain(): Promise<void> {
    while (this.flushing || this.pending.length) await (this.flushing ?? this.flush());
  }

  /** Poll one device now (tests, and a trap asking for confirmation). */
  async pollNow(device: string): Promise<PollOutcome | undefined> {
    const s = this.states.find((x) => x.target.device === device);
    if (!s) return undefined;
    // one poll per device at a time: wait for a scheduled one in flight, then poll afresh
    while (s.current) await s.current.catch(() => undefined);
    return this.poll(s);
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = Date.now();
    const limit = this.opts.concurrency ?? 256;
    for (const s of this.states) {
      if (this.inFlight >= limit) break;
      if (s.inFlight || s.nextDue > now) continue;
      s.nextDue += this.opts.intervalMs * Math.max(1, Math.ceil((now - s.nextDue + 1) / this.opts.intervalMs));
      void this.poll(s);
    }
  }

  private poll(s: TargetState): Promise<PollOutcome> {
    s.current = this.runPoll(s);
    return s.current;
  }

  private async runPoll(s: TargetState): Promise<PollOutcome> {
    s.inFlight = true;
    this.inFlight++;
    try {
      s.session ??= openSession(s.target, this.session);
      const outcome = await pollDevice(s.session, s.target.device, this.session);
      if (!this.stopped) this.onOutcome(s, outcome);
      return outcome;
    } finally {
      s.inFlight = false;
      s.current = undefined;
      this.inFlight--;
      if (s.recheck && !this.stopped) {
        s.recheck = false;
        void this.poll(s);
      }
    }
  }

  private onOutcome(s: TargetState, outcome: PollOutcome): void {
    const t = s.target;
    const p = t.placement ?? { site: t.device, city: 'unknown', level: 'unknown' };
    const object = `device:${t.device}`;
    this.metrics.polls.inc({ result: outcome.ok ? 'ok' : outcome.reason });
    this.metrics.sliTotal.inc({ sli: 'device_availability', object: t.device });
    if (!outcome.ok) {
      // An agent that answers garbage is up but useless: counted, no reachability fault.
      if (outcome.reason === 'invalid') {
        this.metrics.sliGood.inc({ sli: 'device_availability', object: t.device });
        this.opts.logger.warn({ device: t.device, reason: outcome.reason, detail: outcome.message }, 'invalid SNMP answer');
        return;
      }
      this.metrics.deviceUp.set({ device: t.device, site: p.site, city: p.city, level: p.level }, 0);
      this.noc?.device(t.device, false);
      // A session that timed out may hold stale v3 engine state (agent restarted): start afresh.
      s.session?.close();
      s.session = undefined;
      this.enqueue(this.tracker.observe(object, 'device-unreachable', 'poll', true, outcome.at, outcome.message));
      return;
    }
    this.metrics.sliGood.inc({ sli: 'device_availability', object: t.device });
    this.metrics.deviceUp.set({ device: t.device, site: p.site, city: p.city, level: p.level }, 1);
    this.noc?.device(t.device, true);
    const events = this.tracker.observe(object, 'device-unreachable', 'poll', false, outcome.sample.at);
    const a = analyseSample(t, s.last, outcome.sample);
    s.last = outcome.sample;
    if (a.rebooted) this.metrics.counterResets.inc({ kind: 'reboot' });
    if (a.resets) this.metrics.counterResets.inc({ kind: 'reset' }, a.resets);
    if (a.wrapped) this.metrics.counterResets.inc({ kind: 'wrap' }, a.wrapped);
    // Link state is as old as the request: a trap that came in while the walk was out is newer.
    const reportedAt = outcome.sample.requestedAt ?? outcome.sample.at;
    for (const end of a.ends) {
      if (!this.tracker.isCurrent(end.object, 'link-down', end.source, reportedAt)) continue;
      events.push(...this.tracker.observe(end.object, 'link-down', end.source, end.bad, reportedAt, `${end.source} oper down, admin up`));
      this.setLinkEnd(end.object, end.source, end.bad, end.link?.tier ?? 'unbound', p.city, p.level);
    }
    for (const u of a.utilisation) {
      this.metrics.linkUtilisation.set({ link: u.link.link, device: t.device, interface: u.ifName, tier: u.link.tier, city: p.city, level: p.level }, u.ratio);
      this.noc?.utilisation(u.link.link, u.ratio, t.device);
    }
    for (const itf of outcome.sample.interfaces) {
      if (t.interfaces?.[itf.name]) this.metrics.interfaceErrors.set({ device: t.device, interface: itf.name }, Number(itf.inErrors + itf.outErrors));
    }
    this.enqueue(events);
  }

  private setLinkEnd(object: string, source: string, bad: boolean, tier: string, city: string, level: string): void {
    const set = this.linkBad.get(object) ?? new Set<string>();
    if (bad) set.add(source);
    else set.delete(source);
    this.linkBad.set(object, set);
    const link = object.replace(/^(link|interface):/, '');
    this.metrics.linkUp.set({ link, tier, city, level }, set.size ? 0 : 1);
    this.noc?.linkEnd(link, source, bad);
    this.metrics.sliTotal.inc({ sli: 'link_availability', object: link });
    if (!bad) this.metrics.sliGood.inc({ sli: 'link_availability', object: link });
  }

  private onTrap(e: TrapEvent): void {
    this.metrics.traps.inc({ type: e.meaning.type === 'link' ? (e.meaning.up ? 'linkUp' : 'linkDown') : e.meaning.type });
    const candidates = this.byAddress.get(e.source) ?? [];
    if (candidates.length !== 1) {
      this.opts.logger.debug({ source: e.source, candidates: candidates.length }, 'trap from an unknown or ambiguous source');
      return;
    }
    const s = candidates[0]!;
    if (e.meaning.type === 'auth-failure') {
      this.enqueue(this.tracker.observe(`device:${s.target.device}`, 'security', 'trap', true, e.at, 'SNMP authenticationFailure trap'));
      return;
    }
    if (e.meaning.type !== 'link') return;
    const ifIndex = e.meaning.ifIndex;
    const itf = s.last?.interfaces.find((i) => i.ifIndex === ifIndex);
    this.opts.logger.debug({ device: s.target.device, ifIndex, up: e.meaning.up, known: itf?.name }, 'link trap');
    if (itf) {
      const bad = !e.meaning.up && e.meaning.adminUp !== false && itf.adminUp;
      const p = s.target.placement ?? { site: s.target.device, city: 'unknown', level: 'unknown' };
      const bound = analyseSample(s.target, undefined, {
        device: s.target.device,
        at: e.at,
        sysUpTime: 0,
        interfaces: [{ ...itf, operUp: !bad, adminUp: true }],
      }).ends[0];
      if (bound) {
        this.enqueue(this.tracker.observe(bound.object, 'link-down', bound.source, bad, e.at, `${bound.source} ${bad ? 'linkDown' : 'linkUp'} trap`));
        this.setLinkEnd(bound.object, bound.source, bad, bound.link?.tier ?? 'unbound', p.city, p.level);
      }
    }
    // Confirm with a poll at once rather than waiting for the schedule; a poll already out may
    // predate the trap, so it is followed by a fresh one.
    if (this.stopped) return;
    if (s.inFlight) s.recheck = true;
    else void this.poll(s);
  }

  private onProbe(p: PlatformTarget, up: boolean, at: number, error?: string): void {
    if (this.stopped) return;
    this.metrics.platformUp.set({ platform: p.id }, up ? 1 : 0);
    this.metrics.sliTotal.inc({ sli: 'platform_availability', object: p.id });
    if (up) this.metrics.sliGood.inc({ sli: 'platform_availability', object: p.id });
    this.enqueue(this.tracker.observe(`platform:${p.id}`, 'platform-down', 'probe', !up, at, error));
  }

  private enqueue(events: FaultEvent[]): void {
    if (!events.length) return;
    this.pending.push(...events);
    if (!this.flushing) this.flushing = new Promise<void>((res) => setImmediate(res)).then(() => this.flush());
  }

  /** Apply queued events in one transaction; on a store error keep them and retry (idempotent). */
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    try {
      if (batch.length) {
        const applied = await this.opts.store.apply(batch);
        for (const a of applied) {
          if (!a.changed || !a.fault) continue;
          const f = a.fault;
          if (a.event.type === 'open') {
            this.open.set(f.id, f);
            this.metrics.faultsOpened.inc({ kind: f.kind });
            this.opts.logger.info({ fault: f.id, object: f.object, kind: f.kind, flapping: f.flapping }, 'fault opened');
          } else if (a.event.type === 'flapping') {
            this.open.set(f.id, f);
            this.opts.logger.warn({ fault: f.id, object: f.object, kind: f.kind }, 'fault is flapping');
          } else {
            const seconds = (f.durationMs ?? 0) / 1000;
            this.metrics.faultDuration.observe({ kind: f.kind }, seconds);
            // A cleared fault that waits for an operator stays open (its 3-hour fix still runs).
            if (f.resolvedAt !== null) {
              this.open.delete(f.id);
              this.metrics.faultsClosed.inc({ kind: f.kind, in_time: String(f.resolvedAt - f.openedAt <= this.fixWindowMs) });
            } else this.open.set(f.id, f);
            this.opts.logger.info({ fault: f.id, object: f.object, kind: f.kind, seconds, resolved: f.resolvedAt !== null }, 'fault cleared');
          }
        }
        this.refreshOpenGauges();
        if (applied.some((a) => a.changed)) this.noc?.faultsChanged();
      }
    } catch (err) {
      this.metrics.storeErrors.inc();
      this.opts.logger.error({ err: (err as Error).message, events: batch.length }, 'fault store write failed; will retry');
      this.pending = batch.concat(this.pending);
      await new Promise((res) => setTimeout(res, 1000));
    } finally {
      this.flushing = undefined;
      if (this.pending.length && !this.stopped) this.flushing = this.flush();
    }
  }

  private refreshOpenGauges(): void {
    this.metrics.faultsOpen.reset();
    this.metrics.faultOpenedAt.reset();
    for (const kind of [...OUTAGE_KINDS, 'security']) this.metrics.faultsOpen.set({ kind }, 0);
    for (const f of this.open.values()) {
      this.metrics.faultsOpen.inc({ kind: f.kind });
      this.metrics.faultOpenedAt.set({ fault_id: String(f.id), object: f.object, kind: f.kind }, f.openedAt / 1000);
    }
  }

  /** Uptime and the 3-hour fix rate from the store, so they survive restarts and match `stacks kpi`. */
  async refreshUptime(now = Date.now()): Promise<void> {
    const store = this.opts.store;
    // This run is watching up to now: extend its span first, so the figures include it.
    await this.beat();
    const [objects, faults, spans, open] = await Promise.all([
      store.objects(),
      store.faultsBetween(now - WINDOWS['365d'], now),
      store.watchSpans(now - WINDOWS['365d'], now),
      store.listFaults({ openOnly: true }),
    ]);
    // Operators resolve and close from the CLI or the NOC page: the open-fault gauges follow the store.
    this.open.clear();
    for (const f of open) this.open.set(f.id, f);
    this.refreshOpenGauges();
    this.noc?.faultsChanged();
    const uptime: Array<{ labels: Record<string, string>; value: number }> = [];
    const coverage: typeof uptime = [];
    for (const w of Object.keys(WINDOWS) as WindowName[]) {
      for (const a of availability(objects, faults, spans, w, now)) {
        const labels = { type: a.type, object: a.object.replace(/^[a-z]+:/, ''), window: w };
        if (a.ratio !== null) uptime.push({ labels, value: a.ratio });
        coverage.push({ labels, value: a.coverage });
      }
      const r = fixRate(faults, now - WINDOWS[w], now, this.fixWindowMs, OUTAGE_KINDS);
      if (r.ratio !== null) this.metrics.fixedInTime.set({ window: w }, r.ratio);
    }
    this.metrics.uptime.replace(uptime);
    this.metrics.uptimeCoverage.replace(coverage);
  }
}
