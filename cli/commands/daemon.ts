/**
 * `stacks daemon`: the long-running monitor (systemd unit: monitors/systemd/stacks-daemon.service).
 * Polls the deployed lab scope or a target file over SNMP, receives traps, probes cloud platforms,
 * records faults, serves /metrics. Stops cleanly on SIGTERM/SIGINT (open faults stay open in the
 * store and are resumed on the next start).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PRIVATE_DIR_MODE } from '../../lib/private-files.js';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { CommandModule } from '../context.js';
import { log, type GlobalOptions } from '../context.js';
import { inputError } from '../../lib/errors.js';
import { loadInventory } from '../../inventory/load.js';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { openFaultStore } from '../../monitors/store/open.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { monitoringPolicy } from '../../monitors/policy.js';
import { kpiReport, planIndicators, readRunningConfigs } from '../../monitors/kpi-report.js';
import { RunningConfigsCache } from '../../monitors/running-configs.js';
import { monitoringFigures } from '../../monitors/codegen/figures.js';
import type { LifecycleAction } from '../../monitors/faults/lifecycle.js';
import type { ActResult } from '../../monitors/store/store.js';
import { audit } from '../../audit/index.js';
import { platformsFromInventory, selectTargets } from '../../monitors/sources.js';
import type { TrapSink } from '../../targets/types.js';
import { targetInstance } from '../../targets/registry.js';
import { sqlitePath, withStoreOption } from './monitoring-options.js';
import { positive as wholePositive, readPlan } from './migrate.js';
import { registerMigrationMetrics } from '../../migrations/metrics.js';
import { loadRunbook } from '../../migrations/runbook.js';
import { startBackgroundWave, type BackgroundWave } from '../../migrations/background.js';

interface DaemonCliOptions {
  targets?: string;
  lab?: string;
  secrets?: string;
  snmpVersion: string;
  interval: string;
  timeout: string;
  retries: string;
  listen: string;
  trapListen?: string[];
  traps: boolean;
  openAfter?: string;
  closeAfter?: string;
  platformsFromInventory: boolean;
  kpiConfigsEvery: string;
  postgres?: string;
  migrateRunbook?: string;
  migrateWave?: string;
  migratePlan?: string;
  migrateConcurrency: string;
  webhookTokenFile?: string;
  nocTokenFile?: string;
  noc: boolean;
}

/** A bearer token (webhook, NOC page): read from the file, or created there (0600) on the first start. */
function webhookToken(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE }); // only missing folders: a chosen --noc-token-file's folder is not changed
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < 16) throw inputError('E_WEBHOOK_TOKEN', file, '(file)', 'the webhook token is shorter than 16 characters');
  return token;
}

function hostPort(text: string, flag: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || !(port >= 0 && port <= 65535)) throw inputError('E_USAGE', '(command line)', flag, `"${text}" is not HOST:PORT`);
  return { host: m[1], port };
}

/** Where traps are received when neither --trap-listen nor the deployed target says. */
const DEFAULT_TRAP_LISTEN = '127.0.0.1:10162';

/** --trap-listen as given; else every sink the target's devices trap to; else the default. */
function trapListenOf(given: Array<{ host: string; port: number }> | undefined, sinks: readonly TrapSink[] | undefined): TrapSink[] {
  if (given?.length) return given.map((g) => ({ address: g.host, port: g.port }));
  if (sinks?.length) return [...sinks];
  const d = hostPort(DEFAULT_TRAP_LISTEN, '--trap-listen');
  return [{ address: d.host, port: d.port }];
}

function positive(text: string, flag: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw inputError('E_USAGE', '(command line)', flag, `"${text}" is not a ${allowZero ? 'non-negative' : 'positive'} number`);
  return n;
}

export const daemonCommand: CommandModule = {
  register(program: Command, globals: () => GlobalOptions) {
    withStoreOption(
      program
        .command('daemon')
        .description(
          'run the monitoring daemon: SNMP polling (v3 authPriv, GetBulk) and traps, cloud platform probes, faults in the store, Prometheus /metrics',
        )
        .option('--targets <file>', 'explicit target list (YAML/JSON: devices, platforms) instead of the deployed lab')
        .option('--lab <id>', 'poll the devices of this deployed lab (default: lab)')
        .option('--secrets <file>', "SNMP secrets file (default: the lab's generated secrets; else env STACKS_SNMP_*)")
        .option('--snmp-version <v>', 'v3 (authPriv) or v2c', 'v3')
        .option('--interval <seconds>', 'poll interval', '60')
        .option('--timeout <ms>', 'SNMP request timeout', '2000')
        .option('--retries <n>', 'SNMP retries per request', '1')
        .option('--listen <host:port>', '/metrics address (loopback unless you say otherwise)', '127.0.0.1:9464')
        .option(
          '--trap-listen <host:port...>',
          `SNMP trap receiver address, repeatable (default: where the deployed target's devices send traps — a lab deployed with --trap-sink PORT traps to the host's end of each device's management link —, else ${DEFAULT_TRAP_LISTEN})`,
        )
        .option('--no-traps', 'do not listen for traps')
        .option(
          '--open-after <seconds>',
          'debounce: open a fault after the object has been bad this long (default: province.yaml monitoring.faults.debounce, 10)',
        )
        .option('--close-after <seconds>', 'debounce: clear a fault after the object has been good this long (default: province.yaml, 30)')
        .option('--platforms-from-inventory', "probe every cloud's keystone endpoint from clouds.yaml", false)
        .option(
          '--migrate-runbook <file>',
          'run a migration wave in the background with this runbook (as `stacks migrate run`: same journal, same per-wave lock); needs --migrate-wave',
        )
        .option('--migrate-wave <n>', 'the wave to run with --migrate-runbook')
        .option('--migrate-plan <file>', 'plan file for the wave (default: the one `migrate plan` exported to the state dir)')
        .option('--migrate-concurrency <n>', 'systems of the wave migrated at once', '4')
        .option('--noc-token-file <file>', 'token of the NOC page at /noc/ (default: monitoring/noc.token in the state dir, created on first start)')
        .option('--no-noc', 'do not serve the NOC page')
        .option('--kpi-configs-every <minutes>', "how often the NOC page's indicator 1 reads the deployed devices' running configs (an SSH session each)", '15')
        .option(
          '--webhook-token-file <file>',
          "bearer token Alertmanager's webhook must present on POST /alertmanager/<receiver> (default: monitoring/webhook.token in the state dir, created on first start)",
        ),
    ).action(async (opts: DaemonCliOptions) => {
      const g = globals();
      const version = opts.snmpVersion;
      if (version !== 'v3' && version !== 'v2c') throw inputError('E_USAGE', '(command line)', '--snmp-version', `"${version}" must be v3 or v2c`);
      const intervalMs = positive(opts.interval, '--interval') * 1000;
      const listen = hostPort(opts.listen, '--listen');
      const trapListen = opts.trapListen?.map((t) => hostPort(t, '--trap-listen'));
      if (!opts.migrateRunbook !== !opts.migrateWave)
        throw inputError(
          'E_USAGE',
          '(command line)',
          opts.migrateRunbook ? '--migrate-wave' : '--migrate-runbook',
          '--migrate-runbook and --migrate-wave go together',
        );
      // Read the wave's inputs before anything starts, so bad ones exit 2 with nothing running.
      const migration = opts.migrateRunbook
        ? {
            wave: wholePositive('--migrate-wave', opts.migrateWave)!,
            concurrency: wholePositive('--migrate-concurrency', opts.migrateConcurrency)!,
            plan: await readPlan(g, opts.migratePlan),
            runbook: await loadRunbook(opts.migrateRunbook),
          }
        : undefined;
      if (migration && !migration.plan.waves.some((w) => w.number === migration.wave))
        throw inputError('E_USAGE', '(command line)', '--migrate-wave', `the plan has no wave ${migration.wave} (waves 1–${migration.plan.waves.length})`);
      // The fault policy (debounce, flaps, auto-resolving kinds) and the fix window are the inventory's.
      const inv = await loadInventory(g.inventory);
      const counting = await daemonPolicy(inv);
      const policy = monitoringPolicy(inv.province.monitoring);
      const debounce = {
        ...counting.debounce,
        ...(opts.openAfter !== undefined ? { openAfterMs: positive(opts.openAfter, '--open-after', true) * 1000 } : {}),
        ...(opts.closeAfter !== undefined ? { closeAfterMs: positive(opts.closeAfter, '--close-after', true) * 1000 } : {}),
      };
      const selection = await selectTargets({ stateDir: g.stateDir, lab: opts.lab, targetsFile: opts.targets, secretsFile: opts.secrets, version });
      if (opts.platformsFromInventory) selection.platforms.push(...platformsFromInventory(inv));
      const logger = log().child({ component: 'daemon' });
      const plan = await planIndicators(inv);
      const nocTokenFile = opts.nocTokenFile ?? join(g.stateDir, 'monitoring', 'noc.token');
      const store = await openFaultStore({ stateDir: g.stateDir, postgresUrl: opts.postgres, sqliteFile: sqlitePath(g.stateDir) });
      // Indicator 1 on the NOC page from the deployed devices' running configs, read every
      // --kpi-configs-every minutes (SSH to each device), not on each minutely KPI refresh.
      const running = opts.targets
        ? undefined
        : new RunningConfigsCache(
            () => readRunningConfigs(inv, g.stateDir, targetInstance(opts.lab)),
            positive(opts.kpiConfigsEvery, '--kpi-configs-every') * 60_000,
            (err) => logger.warn({ err: err.message }, 'NOC page: reading the running configs for indicator 1 failed'),
          );
      const daemon = new MonitorDaemon({
        targets: selection.devices,
        platforms: selection.platforms,
        store,
        logger,
        intervalMs,
        session: { timeoutMs: positive(opts.timeout, '--timeout'), retries: positive(opts.retries, '--retries', true) },
        debounce,
        webhookToken: webhookToken(opts.webhookTokenFile ?? join(g.stateDir, 'monitoring', 'webhook.token')),
        fixWindowMs: counting.fixWindowMs,
        faultDurationBuckets: counting.faultDurationBuckets,
        ...(opts.noc
          ? {
              noc: {
                token: webhookToken(nocTokenFile),
                causes: policy.causes,
                // the burn rates' objective is the alerts' one: indicator 9's 2025 target
                objective: monitoringFigures(plan, policy.atRiskMs / 3_600_000, '').objective,
                // as `stacks kpi` shows it (its default security window, 24 h)
                kpi: () =>
                  kpiReport(inv, store, {
                    securityWindowMs: 24 * 3_600_000,
                    stateDir: g.stateDir,
                    ...(running ? { runningConfigs: () => running.current() } : {}),
                  }),
                onAction: async (action: LifecycleAction, result: ActResult & { ok: true }) => {
                  await audit.record(g.stateDir, {
                    action: `fault.${action.action}`,
                    objects: [`fault:${action.id}`, result.fault.object],
                    input: action,
                    result: 'ok',
                    detail: { by: action.by, kind: result.fault.kind, via: 'noc-page' },
                  });
                },
              },
            }
          : {}),
        http: listen,
        ...(opts.traps ? { traps: { listen: trapListenOf(trapListen, selection.trapSinks), credentials: selection.credentials } } : {}),
      });
      // The NOC's migration series (read from the journal at scrape time) sit beside the monitoring ones.
      const migrationMetrics = registerMigrationMetrics(daemon.metrics.registry, { stateDir: g.stateDir });
      await daemon.start();
      let wave: BackgroundWave | undefined;
      if (migration) wave = startBackgroundWave({ stateDir: g.stateDir, ...migration, registry: daemon.metrics.registry, metrics: migrationMetrics, logger });
      // A line for people and for scripts waiting on readiness (the port may have been 0).
      process.stderr.write(
        `stacks daemon: ${selection.devices.length} devices, ${selection.platforms.length} platforms from ${selection.source}; metrics on http://${listen.host}:${daemon.httpPort}/metrics${opts.noc ? `; NOC page on http://${listen.host}:${daemon.httpPort}/noc/?token=… (token in ${nocTokenFile})` : ''}; store ${store.backend}${wave ? `; migration wave ${wave.wave} running` : ''}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await daemon.stop();
      await store.close();
      if (wave?.running()) {
        // runWave cannot be cancelled mid-step; the journal makes stopping here the same as a kill:
        // the next start (or `stacks migrate run`) resumes the wave where it stopped.
        logger.warn({ wave: wave.wave }, 'stopping with the migration wave unfinished; it resumes from the journal on the next run');
        process.exit(0);
      }
    });
  },
};
