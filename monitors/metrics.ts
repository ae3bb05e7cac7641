/**
 * The daemon's Prometheus exposition (prom-client, its own registry). Metric names are the contract
 * with monitors/codegen/rules.ts: the SLO recording rules and alerts read exactly these series.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class DaemonMetrics {
  readonly registry = new Registry();
  readonly deviceUp = new Gauge({
    name: 'stacks_device_up',
    help: 'Device answers SNMP (1) or not (0)',
    labelNames: ['device', 'site', 'city', 'level'],
    registers: [this.registry],
  });
  readonly linkUp = new Gauge({
    name: 'stacks_link_up',
    help: 'Link operationally up at every administratively-up end (1) or not (0)',
    labelNames: ['link', 'tier', 'city', 'level'],
    registers: [this.registry],
  });
  readonly linkUtilisation = new Gauge({
    name: 'stacks_link_utilisation_ratio',
    help: 'Busier direction of a link end over the last poll interval, as a ratio of the tier rate',
    labelNames: ['link', 'device', 'interface', 'tier', 'city', 'level'],
    registers: [this.registry],
  });
  readonly interfaceErrors = new Gauge({
    name: 'stacks_interface_errors',
    help: 'ifInErrors + ifOutErrors as last read',
    labelNames: ['device', 'interface'],
    registers: [this.registry],
  });
  readonly platformUp = new Gauge({
    name: 'stacks_platform_up',
    help: 'Cloud platform endpoint answers (1) or not (0)',
    labelNames: ['platform'],
    registers: [this.registry],
  });
  readonly polls = new Counter({ name: 'stacks_snmp_polls_total', help: 'SNMP polls by result', labelNames: ['result'], registers: [this.registry] });
  readonly counterResets = new Counter({
    name: 'stacks_snmp_counter_discontinuities_total',
    help: 'Counter deltas discarded (agent reboot or counter reset) or recovered (wrap)',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly traps = new Counter({ name: 'stacks_snmp_traps_total', help: 'SNMP notifications received', labelNames: ['type'], registers: [this.registry] });
  readonly sliGood = new Counter({
    name: 'stacks_sli_good_total',
    help: 'Good events of an availability SLI (a poll or probe that found the object up)',
    labelNames: ['sli', 'object'],
    registers: [this.registry],
  });
  readonly sliTotal = new Counter({
    name: 'stacks_sli_total',
    help: 'All events of an availability SLI',
    labelNames: ['sli', 'object'],
    registers: [this.registry],
  });
  readonly faultsOpen = new Gauge({ name: 'stacks_faults_open', help: 'Open faults by kind', labelNames: ['kind'], registers: [this.registry] });
  readonly faultOpenedAt = new Gauge({
    name: 'stacks_fault_opened_timestamp_seconds',
    help: 'Opening time of each open fault (alerts compare it with time())',
    labelNames: ['fault_id', 'object', 'kind'],
    registers: [this.registry],
  });
  /** Its buckets are the inventory's (province.yaml `monitoring.faults.duration_buckets_s`). */
  readonly faultDuration: Histogram<'kind'>;
  /** in_time is against indicator 13's fix window (plan-indicators.json). */
  readonly faultsClosed: Counter<'kind' | 'in_time'>;
  readonly faultsOpened = new Counter({ name: 'stacks_faults_opened_total', help: 'Faults opened', labelNames: ['kind'], registers: [this.registry] });
  readonly uptime = new TextGauge('stacks_uptime_ratio', 'Availability from the fault store over a rolling window', ['type', 'object', 'window']);
  readonly uptimeCoverage = new TextGauge(
    'stacks_uptime_coverage_ratio',
    'Share of the window the daemon actually watched the object (the rest is unknown, not up)',
    ['type', 'object', 'window'],
  );
  readonly fixedInTime = new Gauge({
    name: 'stacks_fixed_in_time_ratio',
    help: 'Share of network and platform faults fixed within 3 h (Table 1 indicator 13) over a rolling window',
    labelNames: ['window'],
    registers: [this.registry],
  });
  readonly alertNotifications = new Counter({
    name: 'stacks_alert_notifications_total',
    help: 'Notifications Alertmanager delivered to the webhook, per receiver (noc-page: pages)',
    labelNames: ['receiver', 'status'],
    registers: [this.registry],
  });
  readonly alertsReceived = new Counter({
    name: 'stacks_alerts_received_total',
    help: 'Alerts received on the Alertmanager webhook; linked="true" when tied to a fault',
    labelNames: ['receiver', 'status', 'linked'],
    registers: [this.registry],
  });
  /** Set by the daemon to read the kernel's count for its trap socket at scrape time. */
  trapDropsSource: (() => number | undefined) | undefined;
  readonly trapKernelDrops = new Gauge({
    name: 'stacks_snmp_trap_kernel_drops',
    help: 'Traps the kernel dropped before the receiver read them (socket buffer full; /proc/net/udp drops)',
    registers: [this.registry],
    collect: () => {
      const d = this.trapDropsSource?.();
      if (d !== undefined) this.trapKernelDrops.set(d);
    },
  });
  readonly storeErrors = new Counter({ name: 'stacks_store_errors_total', help: 'Fault-store writes that failed (retried)', registers: [this.registry] });

  constructor(opts: { processMetrics?: boolean; faultDurationBuckets: readonly number[]; fixWindowMs: number }) {
    this.faultsClosed = new Counter({
      name: 'stacks_faults_closed_total',
      help: `Resolved faults; in_time="true" when resolved within ${opts.fixWindowMs / 3_600_000} h of opening`,
      labelNames: ['kind', 'in_time'],
      registers: [this.registry],
    });
    this.faultDuration = new Histogram({
      name: 'stacks_fault_duration_seconds',
      help: 'Duration of closed faults',
      labelNames: ['kind'],
      buckets: [...opts.faultDurationBuckets],
      registers: [this.registry],
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'stacks_daemon_' });
  }

  /** What GET /metrics serves: prom-client's families, then the pre-written ones. */
  readonly exposition = {
    contentType: this.registry.contentType,
    // One buffer: the big families are kept encoded, so a scrape builds no 2 MB string to collect.
    metrics: async (): Promise<Buffer> => Buffer.concat([Buffer.from(await this.registry.metrics()), this.uptime.encoded, this.uptimeCoverage.encoded]),
  };
}

/** A label value as the text exposition format escapes it. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * A gauge family whose series all change at once (the uptime figures: one row per object and
 * window, 24,000 series for the full province, recomputed every few minutes) and is therefore
 * written out in the text format when it changes, not at every scrape: prom-client formats every
 * series of its registry on each scrape, which took 100–300 ms for these two families alone.
 * `replace` sets the whole family; an object no longer listed has no series any more.
 */
class TextGauge {
  #encoded = Buffer.alloc(0);
  #rows: ReadonlyArray<{ labels: Record<string, string>; value: number }> = [];
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  replace(rows: ReadonlyArray<{ labels: Record<string, string>; value: number }>): void {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const r of rows) {
      const labels = this.labelNames.map((l) => `${l}="${escapeLabel(r.labels[l] ?? '')}"`).join(',');
      const value = Number.isNaN(r.value) ? 'NaN' : r.value === Infinity ? '+Inf' : r.value === -Infinity ? '-Inf' : String(r.value);
      lines.push(`${this.name}{${labels}} ${value}`);
    }
    this.#encoded = Buffer.from(`${lines.join('\n')}\n`);
    this.#rows = rows;
  }

  /** The series as last set (for a reader in the same process). */
  get rows(): ReadonlyArray<{ labels: Record<string, string>; value: number }> {
    return this.#rows;
  }

  /** The family in the text exposition format, UTF-8 (empty before the first `replace`). */
  get encoded(): Buffer {
    return this.#encoded;
  }

  get text(): string {
    return this.#encoded.toString('utf8');
  }
}
