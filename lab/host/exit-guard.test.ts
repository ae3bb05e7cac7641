import { describe, expect, test } from 'vitest';
import { loadInventory } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { exitGuardRuleset } from './exit-guard.js';

const topology = buildTopology(await loadInventory());

describe('the exit guard as nftables', () => {
  test('inbound default-deny after uRPF, conntrack replies and the declared services; NAT to the exit pool', () => {
    const guard = topology.exit.guards!.find((g) => g.device === 'shaanxi-exit1')!;
    const portal = topology.services!.find((s) => s.id === 'xian/portal')!;
    const text = exitGuardRuleset(guard);
    const lines = text.split('\n').map((l) => l.trim());
    const at = (l: string) => lines.indexOf(l);
    expect(at('iifname != "inet0" accept')).toBeGreaterThan(0);
    expect(at('fib saddr . iif oif missing counter name "urpf_dropped" drop comment "uRPF strict"')).toBeLessThan(at('ct state established,related accept'));
    expect(at(`ip daddr 203.0.113.9 tcp dport 443 counter name "admitted" accept comment "xian/portal"`)).toBeGreaterThan(
      at('ct state established,related accept'),
    );
    expect(lines).toContain(`ip6 daddr ${portal.vip.ipv6} tcp dport 443 counter name "admitted" accept comment "xian/portal"`);
    const chainEnd = lines.indexOf('}', at('chain inbound {'));
    expect(lines[chainEnd - 1]).toBe('counter name "denied" drop comment "default deny"');
    expect(lines).toContain(`iifname "inet0" ip daddr 203.0.113.9 tcp dport 443 dnat to ${portal.vip.ipv4}:443 comment "xian/portal"`);
    expect(lines).toContain('oifname "inet0" ip saddr { 10.0.0.0/10 } snat to 203.0.113.0-203.0.113.7');
    // applied as one transaction that replaces the tables it owns
    expect(text.startsWith('table inet stacks_exit_guard {}\ndelete table inet stacks_exit_guard\n')).toBe(true);
  });

  test('without NAT data: the filter and uRPF only', () => {
    const text = exitGuardRuleset({ device: 'x', interface: 'inet0', urpf: 'loose', admit: [] });
    expect(text).not.toContain('nat');
    expect(text).toContain('fib saddr oif missing counter name "urpf_dropped" drop comment "uRPF loose"');
  });
});
