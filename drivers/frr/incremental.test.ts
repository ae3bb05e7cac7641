import { describe, expect, test } from 'vitest';
import { incrementalScript, parseFrrConfig } from './incremental.js';

const BASE = `frr version 8.4.4
frr defaults traditional
hostname r1
service integrated-vtysh-config
!
interface d1
 description to t01
 ip address 10.0.0.0/31
 ip ospf cost 500
 ip ospf network point-to-point
exit
!
interface d2
 ip address 10.0.0.2/31
 ip ospf cost 500
exit
!
router ospf
 ospf router-id 10.0.0.9
 log-adjacency-changes
exit
!
end
`;

describe('incremental FRR commands', () => {
  test('parses contexts and top-level lines, skipping what describes the file', () => {
    const m = parseFrrConfig(BASE);
    expect(m.top).toEqual(['hostname r1']);
    expect([...m.contexts.keys()]).toEqual(['interface d1', 'interface d2', 'router ospf']);
    expect(m.contexts.get('interface d1')).toContain('ip ospf cost 500');
  });

  test('the same config needs no command', () => {
    expect(incrementalScript(BASE, BASE)).toBe('');
  });

  test('a cost change is one command in its interface, the old cost never removed first', () => {
    const next = BASE.replace('interface d2\n ip address 10.0.0.2/31\n ip ospf cost 500', 'interface d2\n ip address 10.0.0.2/31\n ip ospf cost 700');
    expect(incrementalScript(BASE, next)).toBe('interface d2\n ip ospf cost 700\nexit\n');
    expect(incrementalScript(next, BASE)).toBe('interface d2\n ip ospf cost 500\nexit\n');
  });

  test('line order inside a context does not matter', () => {
    const reordered = BASE.replace(' ip ospf cost 500\n ip ospf network point-to-point', ' ip ospf network point-to-point\n ip ospf cost 500');
    expect(incrementalScript(BASE, reordered)).toBe('');
  });

  test('removed lines are negated, a second address is added beside the first, removed contexts go', () => {
    const next =
      BASE.replace(' log-adjacency-changes\n', '')
        .replace(' ip address 10.0.0.0/31\n', ' ip address 10.0.0.4/31\n')
        .replace(/interface d2\n[^!]*!\n/, '') + 'router ospf6\n ospf6 router-id 10.0.0.9\nexit\n';
    const script = incrementalScript(BASE, next);
    expect(script).toContain('interface d2\n no ip address 10.0.0.2/31\n no ip ospf cost 500\nexit');
    expect(script).toContain('interface d1\n no ip address 10.0.0.0/31\n ip address 10.0.0.4/31\nexit');
    expect(script).toContain('router ospf\n no log-adjacency-changes\nexit');
    expect(script).toContain('router ospf6\n ospf6 router-id 10.0.0.9\nexit');
    expect(incrementalScript(next, BASE)).toContain('no router ospf6');
  });

  test('removing a `no` line sets the command again', () => {
    const withNo = BASE.replace(' ip ospf cost 500\n ip ospf network', ' ip ospf cost 500\n no ipv6 nd suppress-ra\n ip ospf network');
    expect(incrementalScript(withNo, BASE)).toBe('interface d1\n ipv6 nd suppress-ra\nexit\n');
  });
});

describe('incremental FRR commands: key chains, BFD profiles and OSPF key rolls', () => {
  const conf = (md5: string[], chain: string) =>
    [
      'key chain ospf6-area-0.0.0.1',
      chain,
      'exit',
      'bfd',
      ' profile city-county',
      '  detect-multiplier 3',
      '  receive-interval 100',
      ' exit',
      'exit',
      'interface up0',
      ' ip ospf authentication message-digest',
      ...md5.map((id) => ` ip ospf message-digest-key ${id} md5 K${id}`),
      'exit',
      '',
    ].join('\n');
  const key = (id: number, sendNever = false) =>
    [
      ` key ${id}`,
      `  key-string S${id}`,
      '  cryptographic-algorithm hmac-sha-256',
      ...(sendNever ? ['  send-lifetime 00:00:00 Jan 1 2000 00:00:01 Jan 1 2000'] : []),
      ' exit',
    ].join('\n');

  test('keys and profiles are sub-contexts of their stanza', () => {
    const m = parseFrrConfig(conf(['1'], key(1)));
    expect(m.contexts.get('key chain ospf6-area-0.0.0.1\n key 1')).toEqual(['key-string S1', 'cryptographic-algorithm hmac-sha-256']);
    expect(m.contexts.get('bfd\n profile city-county')).toEqual(['detect-multiplier 3', 'receive-interval 100']);
    expect(m.top).toEqual([]);
  });

  test('accept step: the new OSPFv3 key is added accept-only; OSPFv2 (one key on ospfd 8.4) is untouched', () => {
    const script = incrementalScript(conf(['1'], key(1)), conf(['1'], `${key(1)}\n${key(2, true)}`));
    expect(script).toBe(
      [
        'key chain ospf6-area-0.0.0.1',
        ' key 2',
        '  key-string S2',
        '  cryptographic-algorithm hmac-sha-256',
        '  send-lifetime 00:00:00 Jan 1 2000 00:00:01 Jan 1 2000',
        ' exit',
        'exit',
        '',
      ].join('\n'),
    );
  });

  test('send step: lifetimes move; the new MD5 key goes in before the old one leaves (one switch, a key throughout), before anything else', () => {
    const send = incrementalScript(conf(['1'], `${key(1)}\n${key(2, true)}`), conf(['2'], `${key(1, true)}\n${key(2)}`));
    expect(send).toContain('key chain ospf6-area-0.0.0.1\n key 1\n  send-lifetime 00:00:00 Jan 1 2000 00:00:01 Jan 1 2000\n exit\nexit');
    expect(send).toContain('key chain ospf6-area-0.0.0.1\n key 2\n  no send-lifetime\n exit\nexit');
    // first in the script: a timed commit switches the key right at its instant
    expect(send.startsWith('interface up0\n ip ospf message-digest-key 2 md5 K2\n no ip ospf message-digest-key 1 md5 K1\nexit\n')).toBe(true);
    // …and its rollback swaps back the same way
    const back = incrementalScript(conf(['2'], `${key(1, true)}\n${key(2)}`), conf(['1'], `${key(1)}\n${key(2, true)}`));
    expect(back).toContain('interface up0\n ip ospf message-digest-key 1 md5 K1\n no ip ospf message-digest-key 2 md5 K2\nexit');
    const done = incrementalScript(conf(['2'], `${key(1, true)}\n${key(2)}`), conf(['2'], key(2)));
    expect(done).toBe('key chain ospf6-area-0.0.0.1\n no key 1\nexit\n');
  });

  test('MD5 keys: a new value for a key id replaces it (no `no`, which would delete the id); a new order re-enters the keys without removing them', () => {
    const other = conf(['1'], key(1)).replace('md5 K1', 'md5 W1');
    expect(incrementalScript(conf(['1'], key(1)), other)).toBe('interface up0\n ip ospf message-digest-key 1 md5 W1\nexit\n');
    expect(incrementalScript(conf(['2', '1'], key(1)), conf(['1', '2'], key(1)))).toBe(
      'interface up0\n ip ospf message-digest-key 1 md5 K1\n ip ospf message-digest-key 2 md5 K2\nexit\n',
    );
  });
});
