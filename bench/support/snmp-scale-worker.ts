/**
 * The daemon alone in its own process, for the scale figure: N targets polled every interval;
 * after a warm-up it measures CPU (process.cpuUsage) and peak RSS over a window and prints JSON.
 *   node snmp-scale-worker.js <targets.json> <intervalMs> <warmupMs> <measureMs>
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MonitorDaemon } from '../../monitors/daemon.js';
import { daemonPolicy } from '../../monitors/daemon-policy.js';
import { loadInventory } from '../../inventory/load.js';
import { SqliteFaultStore } from '../../monitors/store/sqlite.js';
import type { PollTarget } from '../../monitors/types.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

async function pollCount(d: MonitorDaemon): Promise<number> {
  const m = await d.metrics.polls.get();
  return m.values.reduce((s, v) => s + v.value, 0);
}

async function okCount(d: MonitorDaemon): Promise<number> {
  return (await d.metrics.polls.get()).values.find((v) => v.labels.result === 'ok')?.value ?? 0;
}

async function main(): Promise<void> {
  const [file, intervalMs, warmupMs, measureMs] = process.argv.slice(2);
  const targets = JSON.parse(readFileSync(file!, 'utf8')) as PollTarget[];
  const dir = mkdtempSync(join(tmpdir(), 'stacks-scale-'));
  const store = new SqliteFaultStore(join(dir, 'faults.sqlite'));
  const daemon = new MonitorDaemon({
    targets,
    platforms: [],
    store,
    logger: pino({ level: 'silent' }),
    intervalMs: Number(intervalMs),
    session: { timeoutMs: 3000, retries: 1 },
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 30_000 },
    http: { host: '127.0.0.1', port: 0 },
    concurrency: 64,
  });
  await daemon.start();
  await new Promise((r) => setTimeout(r, Number(warmupMs)));
  const polls0 = await pollCount(daemon);
  const ok0 = await okCount(daemon);
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  let maxRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 500);
  await new Promise((r) => setTimeout(r, Number(measureMs)));
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = Date.now() - t0;
  const polls = (await pollCount(daemon)) - polls0;
  const ok = (await okCount(daemon)) - ok0;
  await daemon.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ polls, okPolls: ok, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, maxRssMb: maxRss / 2 ** 20 }) + '\n');
  process.exit(0);
}

if (process.argv[1]?.endsWith('snmp-scale-worker.js')) void main();
