/**
 * UDP flows between two lab namespaces with iperf3 (Debian `iperf3`), marked with a DSCP: what the
 * QoS test and bench send through a shaped circuit. Each flow has its own one-off server in the
 * receiving namespace; the figures are the receiver's (iperf3 exchanges them at the end), so a packet
 * the circuit's queue dropped counts as lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { run, sleep } from '../../lab/shell.js';

export interface UdpFlow {
  /** For the report: `ef`, `bulk`. */
  name: string;
  port: number;
  /** Offered rate in Mbit/s. */
  mbps: number;
  dscp: number;
  seconds: number;
}

export interface FlowResult {
  name: string;
  dscp: number;
  sentMbps: number;
  /** What the receiver got, Mbit/s over the flow's duration. */
  receivedMbps: number;
  lostPercent: number;
}

/** iperf3 3.12's client JSON: `sum_sent` is the sender's, `sum_received` and `sum`'s losses the receiver's. */
interface IperfJson {
  error?: string;
  end?: { sum?: { lost_percent: number }; sum_sent?: { bits_per_second: number }; sum_received?: { bits_per_second: number } };
}

/** Until the receiver has a socket on `port` matching `ss` flags and state; throws at the deadline or when `givenUp` settles first. */
async function socketUp(ns: string, flags: string, state: string, port: number, what: string, givenUp?: Promise<unknown>, deadlineMs = 10_000): Promise<void> {
  let done = false;
  void givenUp?.then(() => (done = true));
  const until = Date.now() + deadlineMs;
  while (Date.now() < until && !done) {
    const r = await run('ip', ['netns', 'exec', ns, 'ss', flags, 'state', state, `sport = :${port}`], { allowFail: true });
    if (r.stdout.trim()) return;
    await sleep(50);
  }
  throw new Error(`iperf3 in ${ns}: ${what} on port ${port} not up ${done ? 'before its client ended' : `within ${deadlineMs} ms`}`);
}

const SETUP_MS = 4000;
const ATTEMPTS = 3;

interface Client {
  child: ChildProcess;
  done: Promise<{ code: number; stdout: string }>;
}

function client(fromNs: string, address: string, f: UdpFlow): Client {
  const args = [
    'netns',
    'exec',
    fromNs,
    'iperf3',
    '-c',
    address,
    '-p',
    String(f.port),
    '-u',
    '-b',
    `${f.mbps}M`,
    '-l',
    '1200',
    '-t',
    String(f.seconds),
    '-S',
    String(f.dscp << 2),
    '-J',
  ];
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  return { child, done: new Promise((r) => child.on('close', (code) => r({ code: code ?? 1, stdout }))) };
}

/** Stop what is still running and wait until it is gone (so the ports are free again). */
async function reap(children: readonly ChildProcess[], graceMs: number): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('close', r));
      const timer = setTimeout(() => c.kill(), graceMs);
      await gone;
      clearTimeout(timer);
    }),
  );
}

/**
 * Send the flows together from `fromNs` to `address` in `toNs` (1200-byte datagrams: under the
 * circuits' MTU in both families) and return what each receiver got. Each flow starts once the one
 * before it has its stream up at the receiver, and should end before it: a flood must not meet
 * iperf3's setup, one UDP datagram each way whose loss is a hard error (esnet/iperf#862), nor its
 * closing exchange over TCP. So list the measured flow first and give it the longest run.
 * A stream not set up within 4 s (iperf3 3.12 itself waits ~30 s) is tried again from scratch on
 * the next ports, up to 3 times: that is the tool's setup, before anything is measured.
 */
export async function udpFlows(fromNs: string, toNs: string, address: string, flows: readonly UdpFlow[]): Promise<FlowResult[]> {
  for (let attempt = 0; ; attempt++) {
    const shifted = flows.map((f) => ({ ...f, port: f.port + attempt * flows.length * 100 }));
    const r = await attemptFlows(fromNs, toNs, address, shifted);
    if (r !== 'setup failed') return r;
    if (attempt + 1 >= ATTEMPTS) throw new Error(`iperf3 from ${fromNs} to ${address}: a stream was not set up in ${ATTEMPTS} attempts`);
  }
}

async function attemptFlows(fromNs: string, toNs: string, address: string, flows: readonly UdpFlow[]): Promise<FlowResult[] | 'setup failed'> {
  const servers: ChildProcess[] = [];
  const clients: Client[] = [];
  let failed = false;
  try {
    for (const f of flows) {
      servers.push(spawn('ip', ['netns', 'exec', toNs, 'iperf3', '-s', '-1', '-p', String(f.port)], { stdio: 'ignore' }));
      await socketUp(toNs, '-Hnt', 'listening', f.port, 'the server');
    }
    for (const f of flows) {
      const c = client(fromNs, address, f);
      clients.push(c);
      // the server connects its UDP socket to the client on the setup datagram
      try {
        await socketUp(toNs, '-Hnu', 'established', f.port, `the ${f.name} stream`, c.done, SETUP_MS);
      } catch {
        failed = true;
        return 'setup failed';
      }
    }
    const results = await Promise.all(clients.map((c) => c.done));
    return results.map((r, i) => {
      const f = flows[i]!;
      let doc: IperfJson;
      try {
        doc = JSON.parse(r.stdout) as IperfJson;
      } catch {
        throw new Error(`iperf3 flow ${f.name}: no JSON (exit ${r.code})`);
      }
      const end = doc.end;
      if (doc.error || !end?.sum || !end.sum_sent || !end.sum_received) throw new Error(`iperf3 flow ${f.name}: ${doc.error ?? 'no receiver figures'}`);
      return {
        name: f.name,
        dscp: f.dscp,
        sentMbps: end.sum_sent.bits_per_second / 1e6,
        receivedMbps: end.sum_received.bits_per_second / 1e6,
        lostPercent: end.sum.lost_percent,
      };
    });
  } finally {
    // one-off servers exit after their test; a failed attempt's clients and servers are stopped
    await reap(
      clients.map((c) => c.child),
      failed ? 0 : 2000,
    );
    await reap(servers, failed ? 0 : 2000);
  }
}
