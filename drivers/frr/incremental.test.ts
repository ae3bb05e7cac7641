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
