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

async function listening(ns: string, port: number, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const r = await run('ip', ['netns', 'exec', ns, 'ss', '-Hltn', `sport = :${port}`], { allowFail: true });
    if (r.stdout.trim()) return;
    await sleep(50);
  }
  throw new Error(`iperf3 server in ${ns} not listening on ${port}`);
}

/**
 * Send every flow at once from `fromNs` to `address` in `toNs` for `seconds` (1200-byte datagrams:
 * under the circuits' MTU in both families) and return what each receiver got.
 */
export async function udpFlows(fromNs: string, toNs: string, address: string, flows: readonly UdpFlow[], seconds: number): Promise<FlowResult[]> {
  const servers: ChildProcess[] = [];
  try {
    for (const f of flows) {
      servers.push(spawn('ip', ['netns', 'exec', toNs, 'iperf3', '-s', '-1', '-p', String(f.port)], { stdio: 'ignore' }));
      await listening(toNs, f.port);
    }
    const results = await Promise.all(
      flows.map((f) =>
        run(
          'ip',
          [
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
            String(seconds),
            '-S',
            String(f.dscp << 2),
            '-J',
          ],
          { allowFail: true },
        ),
      ),
    );
    return results.map((r, i) => {
      const f = flows[i]!;
      let doc: IperfJson;
      try {
        doc = JSON.parse(r.stdout) as IperfJson;
      } catch {
        throw new Error(`iperf3 flow ${f.name}: no JSON (exit ${r.code}): ${r.stderr.slice(-300)}`);
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
    for (const s of servers) if (s.exitCode === null) s.kill();
  }
}
