import { beforeAll, describe, expect, test } from 'vitest';
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from '../cloud/load.js';
import { buildRegistry } from '../cloud/registry.js';
import { defaultScopeDefaults, parseScope, selectScope, type ScopedTopology } from '../lab/scope.js';
import type { CloudRegistry } from '../cloud/types.js';
import { buildLayout, pickClass, serverAddress } from './layout.js';
import { scenario, SCENARIOS } from './scenarios.js';
import { renderHba, renderPostgresqlConf, synchronousNames } from './pg-conf.js';
import { checkTarget } from './drill.js';
import { targetNames } from '../targets/registry.js';
import { StacksError } from '../lib/errors.js';

let reg: CloudRegistry;
let scoped: ScopedTopology;
beforeAll(async () => {
  const inv = await loadInventory(DEFAULT_INVENTORY_DIR);
  const topo = buildTopology(inv);
  reg = buildRegistry(inv, topo, loadClouds(inv)!);
  scoped = selectScope(topo, parseScope(undefined, defaultScopeDefaults(topo, ['xian', 'yulin'])));
});

describe('layout of the Shaanxi inventory', () => {
  test('the default class is the synchronous one (GB/T 20988 level 6, RPO 0)', () => {
    const c = pickClass(reg);
    expect(c.rpoS).toBe(0);
    expect(c.level).toBe(6);
  });

  test('three centres in their routers, sync to the same city, async to Yulin', () => {
    const l = buildLayout(reg, scoped, pickClass(reg));
    expect(l.nodes.map((n) => [n.role, n.centre, n.device, n.mode ?? 'primary'])).toEqual([
      ['production', 'xinchuang', 'dc.xinchuang-r1', 'primary'],
      ['same-city', 'info-centre', 'dc.info-centre-r1', 'sync'],
      ['remote', 'yulin-dc', 'dc.yulin-dc-r1', 'async'],
    ]);
    const prod = l.nodes[0]!;
    expect(prod.server.ipv4).toBe('10.0.8.10/25');
    expect(prod.uplinks).toEqual(['dc.xinchuang~up0', 'dc.xinchuang~up1']);
    expect(prod.serverIf).toBe('lan0-p');
    expect(l.nodes[1]!.appName).toBe('info_centre');
    expect(l.serviceAddress.ipv4).toBe('192.168.255.254/32');
    expect(l.serviceAddress.ipv6.endsWith('/128')).toBe(true);
    expect(l.client).toMatch(/^(xian|yulin)-r1$/);
  });

  test('an asynchronous-only class has no same-city node, so same-city scenarios do not apply', () => {
    const l = buildLayout(reg, scoped, pickClass(reg, 'p5'));
    expect(l.nodes.map((n) => n.role)).toEqual(['production', 'remote']);
    expect(() => scenario('same-city-loss', l)).toThrow(/does not apply/);
    expect(scenario('production-loss', l).runbook).toBe('promote');
  });

  test('a backup-only class cannot be drilled', () => {
    expect(() => pickClass(reg, 'p2')).toThrow(/no streaming replica/);
    expect(() => pickClass(reg, 'nope')).toThrow(/no protection class "nope"/);
  });

  test('a client inside a centre is refused', () => {
    expect(() => buildLayout(reg, scoped, pickClass(reg), 'dc.xinchuang-r1')).toThrow(/outside the centres/);
  });
});

test('scenarios: the four the DR team asked for', () => {
  expect(SCENARIOS.map((s) => s.id)).toEqual(['production-loss', 'same-city-loss', 'xian-link-loss', 'remote-isolation']);
  expect(() => scenario('meteor')).toThrow(/unknown scenario/);
});

test('server address is the tenth of the centre LAN', () => {
  expect(serverAddress('10.0.8.1/25')).toBe('10.0.8.10/25');
  expect(serverAddress('2001:db8:2::1/64')).toBe('2001:db8:2::a/64');
});

test('postgresql.conf: listens on the centre and service addresses only; sync names; standby conninfo', () => {
  const l = buildLayout(reg, scoped, pickClass(reg));
  const conf = renderPostgresqlConf({
    node: l.nodes[2]!,
    serviceAddress: l.serviceAddress,
    socketDir: '/tmp/s',
    synchronousStandbys: [],
    primaryHost: '10.0.8.10',
  });
  expect(conf).toMatch(/^listen_addresses = '10\.22\.4\.10,2001:db8:b01::a,192\.168\.255\.254,/m);
  expect(conf).toContain("primary_conninfo = 'host=10.0.8.10 port=5432 user=postgres application_name=yulin_dc");
  expect(synchronousNames(['info_centre'])).toBe('FIRST 1 (info_centre)');
  expect(synchronousNames([])).toBe('');
  expect(renderHba(['10.0.0.0/10'])).toContain('host replication all 10.0.0.0/10 trust');
});

test('a drill refuses any target the registry does not let drill (exit 2); forced, a registered one has no driver (exit 3), an unknown name is bad usage', () => {
  const thrown = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      return e as StacksError;
    }
    return undefined;
  };
  expect(() => checkTarget('lab', false)).not.toThrow();
  for (const t of ['ssh', 'province']) {
    const refuse = thrown(() => checkTarget(t, false));
    expect(refuse?.exitCode).toBe(2);
    expect(refuse?.message).toContain(`refusing to drill target "${t}"`);
    expect(refuse?.hint).toContain(`targets: ${targetNames().join(', ')}`);
  }
  const forced = thrown(() => checkTarget('ssh', true));
  expect(forced?.exitCode).toBe(3);
  expect(forced?.message).toMatch(/no drill driver for target "ssh"/);
  const unknown = thrown(() => checkTarget('province', true));
  expect(unknown?.exitCode).toBe(2);
  expect(unknown?.message).toMatch(/unknown target "province"/);
  expect(unknown?.hint).toContain('lab, ssh');
});
