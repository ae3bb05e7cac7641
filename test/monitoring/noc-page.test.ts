/**
 * The NOC page in a real browser against the real daemon on a deployed lab (root; FRR, snmpd in the
 * lab's namespaces; Debian's chromium driven by puppeteer-core over a pipe, loopback only): the
 * smallest scope with a link to cut (province core + exits + Xi'an's two cores: 6 devices). The
 * page loads with the token, draws the map from the daemon's targets, and over server-sent events
 * turns the cut link red within 5 s of the cut (snmpd's linkDown trap → daemon → page); the new
 * fault appears in the table, an operator acknowledges it on the page and `stacks faults show`
 * records who. A screenshot is kept: /tmp/stacks-noc-page-<pid>/noc-page.png (printed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { waitUntil } from '../support/monitor-harness.js';
import { freePort } from '../support/pg-cluster.js';
import { runCli } from '../support/cli.js';
import { startDaemon, type Proc } from '../support/processes.js';
import { launchChromium } from '../../bench/support/chromium.js';
import { findLeftovers } from '../../lab/destroy.js';
import { labPaths } from '../../lab/names.js';
import { readLabTargets } from '../../lab/targets.js';

const SCOPE = 'cities=xian;counties=0;townships=0;datacenters=none';
const LAB = `n${process.pid % 100000}`;
const stateDir = mkdtempSync('/tmp/stx-nocpage-');
chmodSync(stateDir, 0o755);
const shots = `/tmp/stacks-noc-page-${process.pid}`;
const cli = (...args: string[]) => runCli(['--state-dir', stateDir, ...args], { timeoutMs: 400_000 });
let daemon: Proc & { port: number };
let browser: Browser;
let page: Page;
let deployed = false;
let link: { id: string; sensing: string; cut: string };
const pageErrors: string[] = [];
/** What the page script exposes on window.noc (monitors/noc/page/app.mjs). */
interface NocWindow {
  noc: { ready: boolean; edge(id: string): { state: string }; edgeColour(id: string): string };
}

beforeAll(async () => {
  expect(process.getuid?.()).toBe(0); // lab tests run as root (CI does): never skipped
  const trapPort = await freePort();
  const dep = await cli('deploy', '--target', 'lab', '--lab', LAB, '--scope', SCOPE, '--auto-approve', '--trap-sink', String(trapPort), '--json');
  deployed = true;
  expect(dep.code, dep.stderr).toBe(0);
  const status = JSON.parse((await cli('lab', 'status', '--lab', LAB, '--json')).stdout) as { links: Array<{ link: string; a: string; b: string }> };
  // a Xi'an core's uplink to a province core: xian-r1 senses the cut and traps
  const l = status.links.find((x) => /^shaanxi-r\d:/.test(x.a) && x.b.startsWith('xian-r1:'))!;
  expect(l, JSON.stringify(status.links)).toBeDefined();
  link = { id: l.link, sensing: 'xian-r1', cut: l.a.split(':')[0]! };
  const sensing = (await readLabTargets(stateDir, LAB))!.targets.find((t) => t.device === link.sensing)!;
  daemon = await startDaemon(
    [
      '--state-dir',
      stateDir,
      'daemon',
      '--lab',
      LAB,
      '--interval',
      '2',
      '--timeout',
      '800',
      '--open-after',
      '0',
      '--close-after',
      '1',
      '--listen',
      '127.0.0.1:0',
      '--trap-listen',
      `${sensing.hostAddress}:${trapPort}`,
    ],
    { STACKS_LOG_LEVEL: 'debug' },
  );
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await daemon?.kill('SIGTERM');
  if (deployed) {
    const d = await cli('destroy', '--target', 'lab', '--lab', LAB, '--auto-approve');
    expect(d.code, d.stderr).toBe(0);
  }
  expect(await findLeftovers(LAB, labPaths(stateDir, LAB).root)).toEqual({ namespaces: [], interfaces: [], processes: [] });
  rmSync(stateDir, { recursive: true, force: true });
}, 180_000);

const edge = () => page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edge(id), link.id);

describe('NOC page in headless Chromium on the lab', () => {
  it('shows a cut within 5 s, and an acknowledgement on the page reaches the store', { timeout: 240_000 }, async () => {
    const token = readFileSync(join(stateDir, 'monitoring', 'noc.token'), 'utf8').trim();
    expect((await fetch(`http://127.0.0.1:${daemon.port}/noc/`)).status).toBe(401);
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${daemon.port}/noc/?token=${token}`);
    await page.waitForFunction('window.noc && window.noc.ready', { timeout: 20_000 });
    const loadMs = Date.now() - t0;
    expect(page.url()).toBe(`http://127.0.0.1:${daemon.port}/noc/`); // the token is not left in the address bar
    expect(await page.evaluate('window.noc.cy.nodes().length')).toBe(6);
    await waitUntil(async () => (await edge())?.state === 'up', 30_000, 'the link drawn up after the first polls', 200);
    const green = await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edgeColour(id), link.id);

    const down = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'down', '--lab', LAB);
    expect(down.code, down.stderr).toBe(0);
    const cutAt = Date.now();
    await page.waitForFunction((id) => (globalThis as unknown as NocWindow).noc.edge(id).state === 'down', { timeout: 5_000, polling: 50 }, link.id);
    const redMs = Date.now() - cutAt;
    const red = await page.evaluate((id) => (globalThis as unknown as NocWindow).noc.edgeColour(id), link.id);
    expect(red).toBe('rgb(212,32,32)');
    expect(red).not.toBe(green);
    expect(redMs).toBeLessThan(5_000);
    // snmpd's linkDown trap from the sensing device reached the daemon (its debug log says so)
    await waitUntil(() => /"link trap"[^\n]*"up":false|"up":false[^\n]*"link trap"/.test(daemon.output()), 5_000, 'the linkDown trap in the daemon log', 100);

    const row = await page.waitForSelector('#faults tbody tr[data-state="open"]', { timeout: 10_000 });
    const faultId = Number(await row!.evaluate((r) => r.getAttribute('data-fault-id')));
    expect(await row!.evaluate((r) => r.textContent)).toContain(link.id);
    await page.type('#operator', 'zhang.wei');
    await page.click(`#faults tr[data-fault-id="${faultId}"] button.ack`);
    await page.waitForSelector(`#faults tr[data-fault-id="${faultId}"][data-state="acknowledged"]`, { timeout: 5_000 });
    const shown = await cli('faults', 'show', String(faultId), '--json');
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ fault: { id: faultId, state: 'acknowledged', acknowledgedBy: 'zhang.wei' } });

    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'noc-page.png') });
    const up = await cli('lab', 'fault', 'link', link.cut, link.sensing, 'up', '--lab', LAB);
    expect(up.code, up.stderr).toBe(0);
    await page.waitForFunction((id) => (globalThis as unknown as NocWindow).noc.edge(id).state === 'up', { timeout: 10_000, polling: 100 }, link.id);
    expect(pageErrors).toEqual([]); // nothing refused by the CSP, no script error
    console.log(`noc-page: page ready in ${loadMs} ms; cut → red on the page ${redMs} ms; screenshot ${join(shots, 'noc-page.png')}`);
  });
});
