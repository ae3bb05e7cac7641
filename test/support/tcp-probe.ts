/**
 * Real TCP inside lab namespaces, for the exit tests: a listener that answers every connection with
 * the peer address it saw (so a test observes NAT where the packet arrives), and a client that says
 * whether it got an answer, was refused (something answered with RST: the packet was admitted) or
 * timed out (the packet was dropped on the way). Node itself runs in the namespace (`ip netns exec`).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SERVER = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const s = net.createServer((c) => c.end('peer ' + c.remoteAddress.replace(/^::ffff:/, '') + '\\n'));
s.listen({ host, port: Number(port) }, () => process.stdout.write('listening\\n'));
`;

const CLIENT = `
const net = require('node:net');
const [host, port, timeout, local] = process.argv.slice(1);
const c = net.connect({ host, port: Number(port), ...(local ? { localAddress: local } : {}) });
let data = '';
c.setTimeout(Number(timeout), () => { process.stdout.write('timeout'); process.exit(0); });
c.on('data', (d) => (data += d));
c.on('end', () => { process.stdout.write(data.trim()); process.exit(0); });
c.on('error', (e) => { process.stdout.write(e.code === 'ECONNREFUSED' ? 'refused' : 'error ' + e.code); process.exit(0); });
`;

export interface Listener {
  close(): void;
}

/** Listen on host:port inside `ns` until closed. */
export async function listen(ns: string, host: string, port: number): Promise<Listener> {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, host, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`listener on ${host}:${port} in ${ns} exited ${code}: ${err.trim()}`)));
  });
  return { close: () => child.kill('SIGTERM') };
}

export type ProbeResult = { kind: 'answered'; peer: string } | { kind: 'refused' } | { kind: 'timeout' } | { kind: 'error'; detail: string };

/** Connect from `ns` to host:port (optionally from a given local address). */
export function connect(ns: string, host: string, port: number, opts: { timeoutMs?: number; localAddress?: string } = {}): Promise<ProbeResult> {
  const args = ['netns', 'exec', ns, process.execPath, '-e', CLIENT, host, String(port), String(opts.timeoutMs ?? 1500), opts.localAddress ?? ''];
  return new Promise((resolve) => {
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => {
      if (out.startsWith('peer ')) resolve({ kind: 'answered', peer: out.slice(5).trim() });
      else if (out === 'refused' || out === 'timeout') resolve({ kind: out });
      else resolve({ kind: 'error', detail: out });
    });
  });
}
