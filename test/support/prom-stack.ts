/**
 * The alerting half of the monitoring end-to-end tests: a real Prometheus scraping the daemon and
 * evaluating the synthesized rules (with a short `for:`), a real Alertmanager routing to a NOC
 * webhook on 127.0.0.1 that records what it receives. All on loopback, storage under `dir`.
 */
import { createServer, type Server } from 'node:http';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './pg-cluster.js';
import { httpReady, startProcess, type Proc } from './processes.js';
import { renderRules } from '../../monitors/codegen/rules.js';
import { inventoryFigures } from '../../monitors/plan-data.js';
import { loadInventory } from '../../inventory/load.js';
import { renderAlertmanagerConfig, renderPrometheusConfig } from '../../monitors/codegen/alertmanager.js';

interface Notification {
  /** The Alertmanager receiver: noc-page or noc-ticket. */
  receiver: string;
  status: string;
  alerts: Array<{ labels: Record<string, string>; status: string }>;
}

export interface PromStack {
  promPort: number;
  /** Every notification the NOC webhook received, in order. */
  received: Notification[];
  query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  firing(alertname: string): Promise<Array<{ labels: Record<string, string>; state: string }>>;
  stop(): Promise<void>;
}

export async function startPromStack(dir: string, daemonPort: number, forDuration = '2s'): Promise<PromStack> {
  const received: Notification[] = [];
  const hookPort = await freePort();
  const webhook: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(body) as Notification);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => webhook.listen(hookPort, '127.0.0.1', () => r()));
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of procs) await p.kill();
    await new Promise<void>((r) => webhook.close(() => r()));
  };
  try {
    const amPort = await freePort();
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      renderAlertmanagerConfig({ pageWebhook: `http://127.0.0.1:${hookPort}/page`, ticketWebhook: `http://127.0.0.1:${hookPort}/ticket` }),
    );
    execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')]);
    procs.push(
      startProcess('prometheus-alertmanager', [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'am')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        '--cluster.listen-address=',
      ]),
    );
    const promPort = await freePort();
    writeFileSync(join(dir, 'rules.yml'), renderRules(inventoryFigures(await loadInventory()), { downFor: forDuration, burnFor: forDuration }));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      renderPrometheusConfig({
        daemon: `127.0.0.1:${daemonPort}`,
        alertmanager: `127.0.0.1:${amPort}`,
        rulesFile: join(dir, 'rules.yml'),
        scrapeInterval: '1s',
      }),
    );
    procs.push(
      startProcess('prometheus', [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ]),
    );
    await httpReady(`http://127.0.0.1:${amPort}/-/ready`);
    await httpReady(`http://127.0.0.1:${promPort}/-/ready`);
    const api = async <T>(path: string): Promise<T> => ((await (await fetch(`http://127.0.0.1:${promPort}${path}`)).json()) as { data: T }).data;
    return {
      promPort,
      received,
      query: async (expr) =>
        (await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
      firing: async (name) =>
        (await api<{ alerts: Array<{ labels: Record<string, string>; state: string }> }>('/api/v1/alerts')).alerts.filter(
          (a) => a.labels.alertname === name && a.state === 'firing',
        ),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
