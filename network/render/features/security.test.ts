import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../inventory/load.js';
import { buildTopology } from '../../topology.js';
import { renderFrr } from '../frr.js';
import { renderVrp } from '../vrp.js';
import { advance } from '../../ospf-keyring.js';
import type { Topology } from '../../types.js';

const topology: Topology = buildTopology(await loadInventory());
const county = topology.devices.find((d) => d.role !== 'exit' && d.site.split('.').length === 2 && d.index === 1)!;

function stanza(config: string, header: string): string[] {
  const lines = config.split('\n');
  const start = lines.indexOf(header);
  expect(start, `${header} present`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && (l === 'exit' || l === '#'));
  return lines.slice(start, end);
}

describe('OSPF authentication and BFD in the rendered configs', () => {
  it('FRR: every adjacency interface has MD5 (v2) and the area key chain (v3) by reference, and BFD with its tier profile; the LAN has neither', () => {
    const config = renderFrr(topology, county.id);
    const up = stanza(config, 'interface up0');
    expect(up).toContain(' ip ospf authentication message-digest');
    expect(up).toContain(` ip ospf message-digest-key 1 md5 {{secret:ospf/area-${county.area}/key-1}}`);
    expect(up).toContain(` ipv6 ospf6 authentication keychain ospf6-area-${county.area}`);
    expect(up).toContain(' ip ospf bfd profile city-county');
    expect(up).toContain(' ipv6 ospf6 bfd profile city-county');
    const down = stanza(config, 'interface d1');
    expect(down).toContain(' ip ospf bfd profile county-township');
    const lan = stanza(config, 'interface lan0');
    expect(lan.join('\n')).not.toMatch(/authentication|bfd/);
    expect(config).toContain(
      `key chain ospf6-area-${county.area}\n key 1\n  key-string {{secret:ospf/area-${county.area}/v3-key-1}}\n  cryptographic-algorithm hmac-sha-256\n exit\nexit`,
    );
    expect(config).toContain('bfd\n profile city-county\n  detect-multiplier 3\n  receive-interval 100\n  transmit-interval 100\n exit');
    expect(config).toContain(' profile county-township\n  detect-multiplier 3\n  receive-interval 200\n  transmit-interval 200');
    // no value of any key: references only
    expect(config).not.toMatch(/md5 (?!\{\{secret:)/);
  });

  it('FRR during a roll: the key being sent is the one MD5 key (ospfd 8.4 accepts no other) and the only one of the chain without a past send lifetime', () => {
    const accept = { [county.area]: advance({ keys: [1], send: 1 }) };
    const config = renderFrr(topology, county.id, { ospfKeys: accept });
    const up = stanza(config, 'interface up0').filter((l) => l.includes('message-digest-key'));
    expect(up.map((l) => l.split(' ')[4])).toEqual(['1']);
    const chain = stanza(config, `key chain ospf6-area-${county.area}`);
    expect(chain.join('\n')).toMatch(/ key 2\n {2}key-string \S+\n {2}cryptographic-algorithm hmac-sha-256\n {2}send-lifetime 00:00:00 Jan 1 2000/);
    const send = { [county.area]: advance(accept[county.area]!) };
    const sending = renderFrr(topology, county.id, { ospfKeys: send });
    expect(
      stanza(sending, 'interface up0')
        .filter((l) => l.includes('message-digest-key'))
        .map((l) => l.split(' ')[4]),
    ).toEqual(['2']);
  });

  it('VRP: keychains before the interfaces, keychain authentication and BFD timers on each adjacency port', () => {
    const config = renderVrp(topology, county.id);
    const lines = config.split('\n');
    const chain = lines.indexOf(`keychain ospf-area-${county.area} mode absolute`);
    const firstIface = lines.findIndex((l) => l.startsWith('interface '));
    expect(chain).toBeGreaterThan(0);
    expect(chain).toBeLessThan(firstIface);
    expect(lines.indexOf('bfd')).toBeLessThan(firstIface);
    expect(config).toContain(`  key-string cipher {{secret:ospf/area-${county.area}/v3-key-1}}`);
    expect(config).toContain(`  algorithm hmac-sha-256`);
    expect(config).toContain(` ospf authentication-mode keychain ospf-area-${county.area}`);
    expect(config).toContain(' ospf bfd min-tx-interval 100 min-rx-interval 100 detect-multiplier 3');
    expect(config).toContain(' ospfv3 bfd min-transmit-interval 200 min-receive-interval 200 detect-multiplier 3');
  });
});
