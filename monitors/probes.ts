/** Cloud platform endpoint probes: an HTTP GET answering 2xx/3xx, or a TCP connect, within a timeout. */
import { connect } from 'node:net';
import type { PlatformTarget } from './types.js';

export interface ProbeResult {
  id: string;
  up: boolean;
  at: number;
  latencyMs: number;
  error?: string;
}

function tcpProbe(url: string, timeoutMs: number): Promise<void> {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(url.replace(/^tcp:\/\//, ''));
  if (!m) return Promise.reject(new Error(`not host:port: ${url}`));
  return new Promise((res, rej) => {
    const sock = connect({ host: m[1]!, port: Number(m[2]) });
    const timer = setTimeout(() => {
      sock.destroy();
      rej(new Error('timeout'));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.end();
      res();
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
  });
}

async function httpProbe(url: string, timeoutMs: number): Promise<void> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  await r.arrayBuffer().catch(() => undefined);
  if (r.status >= 400) throw new Error(`HTTP ${r.status}`);
}

export async function probe(t: PlatformTarget): Promise<ProbeResult> {
  const start = Date.now();
  const timeoutMs = t.timeoutMs ?? 3000;
  try {
    await (t.kind === 'tcp' ? tcpProbe(t.url, timeoutMs) : httpProbe(t.url, timeoutMs));
    return { id: t.id, up: true, at: Date.now(), latencyMs: Date.now() - start };
  } catch (err) {
    return { id: t.id, up: false, at: Date.now(), latencyMs: Date.now() - start, error: (err as Error).message };
  }
}
