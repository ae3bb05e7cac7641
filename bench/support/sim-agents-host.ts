/**
 * A child process hosting many SimAgents (net-snmp's agent) on 127.<octet>.x.y:1161, so that the
 * benchmark's poller and its agents never share a CPU account. Prints `ready` when all listen;
 * exits when its stdin closes.
 *   node sim-agents-host.js <second-octet> <count> <interfaces> <community>
 */
import { SimAgent } from './sim-agent.js';

export function simAddress(octet: number, i: number): string {
  return `127.${octet}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

async function main(): Promise<void> {
  const [octet, count, interfaces, community] = process.argv.slice(2);
  const agents: SimAgent[] = [];
  for (let i = 0; i < Number(count); i++) {
    const a = new SimAgent({ address: simAddress(Number(octet), i), port: 1161, interfaces: Number(interfaces), community: community! });
    await a.start();
    agents.push(a);
  }
  // some traffic, so that utilisation is computed from moving counters
  setInterval(() => agents.forEach((a, k) => a.addTraffic(k % Number(interfaces), 1_000_000n, 500_000n)), 5000).unref();
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
}

if (process.argv[1]?.endsWith('sim-agents-host.js')) void main();
