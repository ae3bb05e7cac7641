/**
 * The NOC page's HTTP side against a real SQLite fault store and a real listener: the token (401
 * without it, the cookie after `?token=`), the CSP on every answer, the assets served from the
 * project and node_modules, the event stream (snapshot first, then a link cut as it happens), and
 * acknowledge/assign through the lifecycle seam with the operator recorded and refused requests
 * (no operator, cross-origin, not JSON) changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startHttp } from '../http.js';
import { SqliteFaultStore } from '../store/sqlite.js';
import { CSP, NocPage } from './server.js';
import { backboneMap } from './view.js';
import type { PollTarget } from '../types.js';

const TOKEN = 'noc-test-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'stacks-noc-'));
const store = new SqliteFaultStore(join(dir, 'faults.sqlite'));
const cred = { version: 'v2c', community: 'unused' } as const;
const target = (device: string, level: string, links: string[]): PollTarget => ({
  device,
  address: '127.0.0.1',
  port: 9,
  credentials: cred,
  placement: { site: device.replace(/-r\d$/, ''), city: 'xian', level },
  interfaces: Object.fromEntries(links.map((l, i) => [`up${i}`, { link: l, tier: level, bandwidthMbps: 1000 }])),
});
const targets = [
  target('shaanxi-r1', 'province', ['a']),
  target('xian-r1', 'city', ['a', 'b']),
  target('xian.yanta-r1', 'county', ['b', 'c']),
  target('xian.yanta.t01-r1', 'township', ['c']),
];
const actions: string[] = [];
const page = new NocPage({
  token: TOKEN,
  store,
  map: backboneMap(targets),
  logger: pino({ level: 'silent' }),
  causes: [],
  onAction: async (a) => void actions.push(`${a.action}:${a.by}`),
});
let base = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const http = await startHttp({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    faults: async () => [],
    routes: (q, s, p, u) => page.handle(q, s, p, u),
  });
  base = `http://127.0.0.1:${http.port}`;
  close = http.close;
});
afterAll(async () => {
  page.close();
  await close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('NOC page over HTTP', () => {
  it('refuses without the token, trades ?token= for an HttpOnly SameSite cookie, and sets the CSP everywhere', async () => {
    for (const path of ['/noc/', '/noc/api/state', '/noc/assets/app.mjs', '/noc/api/events']) {
      const r = await fetch(base + path);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('content-security-policy')).toBe(CSP);
    }
    expect((await fetch(`${base}/noc/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
    const login = await fetch(`${base}/noc/?token=${TOKEN}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/noc/');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pageRes = await fetch(`${base}/noc/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(pageRes.status).toBe(200);
    expect(await pageRes.text()).toContain('/noc/assets/app.mjs');
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toMatch(/unsafe|https?:/);
  });

  it('serves Cytoscape.js from node_modules and the page script, nothing from elsewhere', async () => {
    const cy = await fetch(`${base}/noc/assets/cytoscape.mjs`, { headers: auth });
    expect(cy.status).toBe(200);
    expect(cy.headers.get('content-type')).toMatch(/javascript/);
    expect((await cy.text()).length).toBeGreaterThan(100_000);
    const html = await (await fetch(`${base}/noc/`, { headers: auth })).text();
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${base}/noc/assets/../../etc/passwd`, { headers: auth })).status).toBe(404);
  });

  it('streams a snapshot, then a link cut and the new fault as they happen', async () => {
    const ac = new AbortController();
    const res = await fetch(`${base}/noc/api/events`, { headers: auth, signal: ac.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      const stop = Date.now() + 5000;
      while (!re.test(text)) {
        if (Date.now() > stop) throw new Error(`no ${re} in ${text.slice(0, 400)}`);
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
    };
    await until(/event: snapshot\ndata: .*\n\n/);
    const snap = JSON.parse(/event: snapshot\ndata: (.*)\n/.exec(text)![1]!) as {
      map: { nodes: unknown[]; edges: Array<{ id: string; state: string }>; groups: Array<{ id: string; members: string[]; state: string }> };
    };
    expect(snap.map.nodes).toHaveLength(4);
    expect(snap.map.edges.map((e) => [e.id, e.state])).toEqual([
      ['a', 'unknown'],
      ['b', 'unknown'],
      ['c', 'unknown'],
    ]);
    expect(snap.map.groups).toMatchObject([{ id: 'townships:xian.yanta', members: ['xian.yanta.t01-r1'], state: 'unknown' }]);
    page.linkEnd('b', 'xian-r1', false);
    page.linkEnd('b', 'xian.yanta-r1', true);
    await until(/event: links\ndata: .*"state":"down"/);
    // the township's uplink cut: its county's aggregate and the aggregate's edge turn down in the same flush
    page.device('xian.yanta.t01-r1', true);
    page.linkEnd('c', 'xian.yanta.t01-r1', true);
    await until(/event: groups\ndata: .*"id":"townships:xian.yanta".*"state":"down".*"linksDown":1/);
    expect(text).toMatch(/event: groups\ndata: .*"groupEdges":\[\{"id":"townships:xian.yanta>xian.yanta-r1".*"state":"down"/);
    await store.apply([{ type: 'open', object: 'link:b', kind: 'link-down', at: Date.now() }]);
    page.faultsChanged();
    await until(/event: faults\ndata: .*"object":"link:b"/);
    expect(text).toMatch(/"route":"ticket"/); // a county's uplink opens a ticket, it does not page
    ac.abort();
  });

  it('acknowledges and assigns through the lifecycle, recording the operator; refuses what it cannot check', async () => {
    const [f] = await store.listFaults({ openOnly: true });
    const post = (action: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}/noc/api/faults/${f!.id}/${action}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const noOperator = await post('ack', {});
    expect(noOperator.status).toBe(400);
    expect(((await noOperator.json()) as { field: string }).field).toBe('operator');
    expect((await post('ack', { operator: 'li' }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('ack', { operator: 'li' }, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${base}/noc/api/faults/${f!.id}/ack`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await store.fault(f!.id))!.acknowledgedAt).toBeNull();

    const ack = await post('ack', { operator: 'wang.li' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ id: f!.id, state: 'acknowledged', acknowledgedBy: 'wang.li' });
    const assign = await post('assign', { operator: 'wang.li', to: 'xian-field-team' });
    expect(await assign.json()).toMatchObject({ state: 'assigned', assignedTo: 'xian-field-team', assignedBy: 'wang.li' });
    expect((await post('assign', { operator: 'wang.li' })).status).toBe(400);
    expect((await post('resolve', { operator: 'wang.li' })).status).toBe(404); // resolving needs a cause and a note: the CLI
    expect(
      (await fetch(`${base}/noc/api/faults/99999/ack`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"operator":"x"}' }))
        .status,
    ).toBe(404);
    expect(actions).toEqual(['ack:wang.li', 'assign:wang.li']);
    expect((await store.journal(f!.id)).map((j) => `${j.action}:${j.actor}`)).toEqual(expect.arrayContaining(['ack:wang.li', 'assign:wang.li']));
  });
});
