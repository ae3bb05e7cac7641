/**
 * Trap ingest (issue 17's performance list): how many SNMP notifications a second the daemon's
 * receiver takes in — decoded, authorised, classified, counted and handed to the fault tracker —
 * with nothing lost above the kernel's own drops (target ≥ 5,000/s). A child process sends one real
 * v2c linkDown trap (encoded by net-snmp, captured once) at a paced rate from the device's address,
 * so the sender does not share the daemon's event loop. Figures: sent, counted by the daemon
 * (`stacks_snmp_traps_total`), dropped by the kernel (the socket's /proc/net/udp drops, the daemon's
 * `stacks_snmp_trap_kernel_drops`), and what went missing between the two (must be 0).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { MonitorDaemon } from '../monitors/daemon.js';
import { daemonPolicy } from '../monitors/daemon-policy.js';
import { loadInventory } from '../inventory/load.js';
import { SqliteFaultStore } from '../monitors/store/sqlite.js';
import { SimAgent } from './support/sim-agent.js';
import { freePort } from './support/ports.js';

/** The embedded inventory's counting rules, as `stacks daemon` passes them. */
const counting = await daemonPolicy(await loadInventory());

const COMMUNITY = 'bench-community';
const DEVICE_ADDRESS = '127.83.0.1';
const out = (name: string, value: number | string, unit = '') =>
  process.stdout.write(`${name}: ${typeof value === 'number' ? +value.toFixed(3) : value}${unit ? ' ' + unit : ''}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One linkDown trap as net-snmp puts it on the wire, caught on a socket of our own. */
async function capturedTrap(): Promise<Buffer> {
  const sink = createSocket('udp4');
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const got = new Promise<Buffer>((r) => sink.once('message', (m) => r(m)));
  const agent = new SimAgent({ address: DEVICE_ADDRESS, port: 1161, interfaces: 1, community: COMMUNITY });
  const session = agent.trapSession({ address: '127.0.0.1', port: sink.address().port });
  await agent.trap(session, 0, false);
  const packet = await got;
  session.close();
  sink.close();
  return packet;
}

// The sender: `count` copies of the packet at `rate` a second, in 1 ms slots, from the device's address.
const SENDER = `
const dgram = require('node:dgram');
const [packetHex, port, count, rate, from] = process.argv.slice(1);
const packet = Buffer.from(packetHex, 'hex');
const s = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
s.bind(0, from, () => {
  let sent = 0;
  const t0 = process.hrtime.bigint();
  const tick = () => {
    const due = Math.min(Number(count), Math.floor((Number(process.hrtime.bigint() - t0) / 1e9) * Number(rate)));
    while (sent < due) { s.send(packet, Number(port), '127.0.0.1'); sent++; }
    if (sent < Number(count)) setImmediate(tick);
    else setTimeout(() => { process.stdout.write(String(Number(process.hrtime.bigint() - t0) / 1e6)); s.close(); }, 50);
  };
  tick();
});`;

async function send(packet: Buffer, port: number, count: number, rate: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', SENDER, packet.toString('hex'), String(port), String(count), String(rate), DEVICE_ADDRESS], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  child.stdout.on('data', (c: Buffer) => (text += c.toString()));
  await new Promise((r) => child.on('close', r));
  return Number(text); // ms the sender took
}

async function counted(daemon: MonitorDaemon): Promise<number> {
  const m = await daemon.metrics.traps.get();
  return m.values.filter((v) => v.labels.type !== 'rejected').reduce((n, v) => n + v.value, 0);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'stacks-trap-ingest-'));
  const store = new SqliteFaultStore(join(work, 'faults.sqlite'));
  const port = await freePort();
  const daemon = new MonitorDaemon({
    targets: [{ device: 't0', address: DEVICE_ADDRESS, port: 1161, credentials: { version: 'v2c', community: COMMUNITY } }],
    platforms: [],
    store,
    logger: pino({ level: 'silent' }),
    intervalMs: 3_600_000,
    ...counting,

    debounce: { ...counting.debounce, openAfterMs: 0, closeAfterMs: 0 },
    processMetrics: false,
    traps: { listen: [{ address: '127.0.0.1', port }], credentials: [{ version: 'v2c', community: COMMUNITY }] },
  });
  await daemon.start();
  try {
    const packet = await capturedTrap();
    for (const rate of [5_000, 10_000, 20_000]) {
      const count = rate * 3; // three seconds at that rate
      const before = await counted(daemon);
      const dropsBefore = daemon.metrics.trapDropsSource?.() ?? 0;
      const started = performance.now();
      const sentMs = await send(packet, port, count, rate);
      // the daemon drains its socket: wait until the count stops moving
      let last = -1;
      let now = await counted(daemon);
      while (now !== last) {
        last = now;
        await sleep(200);
        now = await counted(daemon);
      }
      const tookMs = performance.now() - started - 200;
      const got = now - before;
      const drops = (daemon.metrics.trapDropsSource?.() ?? 0) - dropsBefore;
      out(`traps_${rate}_sent`, count, `traps in ${(sentMs / 1000).toFixed(2)} s`);
      out(
        `traps_${rate}_counted`,
        got,
        `traps (${((got / sentMs) * 1000).toFixed(0)}/s of sending, drained ${((tookMs - sentMs) / 1000).toFixed(2)} s after it; target >= 5000/s)`,
      );
      out(`traps_${rate}_kernel_drops`, drops, 'traps (socket buffer full)');
      out(`traps_${rate}_lost_above_kernel`, count - got - drops, 'traps (target 0)');
    }
  } finally {
    await daemon.stop();
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`trap-ingest bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
