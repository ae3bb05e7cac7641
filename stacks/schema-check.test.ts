import { describe, expect, it } from 'vitest';
import { checkTerraformJson, loadProviderSchema } from '../test/support/schema-check.js';

const schema = loadProviderSchema();
const doc = (type: string, body: Record<string, unknown>) => ({ resource: { [type]: { r: body } } });
const rules = (d: unknown) => checkTerraformJson(d, schema).map((v) => `${v.rule}:${v.path}`);

describe('schema check (stacks/schema/README.md steps 1–6)', () => {
  it('accepts a valid body, meta-arguments and interpolations for any type', () => {
    expect(
      rules(
        doc('openstack_networking_subnet_v2', {
          network_id: '${openstack_networking_network_v2.n.id}',
          cidr: '10.0.0.0/24',
          ip_version: 4,
          provider: 'openstack.x',
          depends_on: ['a.b'],
          enable_dhcp: '${var.x}',
          dns_nameservers: ['10.0.0.1'],
          allocation_pool: [{ start: '10.0.0.10', end: '10.0.0.20' }],
          timeouts: { create: '5m' },
        }),
      ),
    ).toEqual([]);
  });
  it('ignores the "//" comment property Terraform JSON allows on a body (cdktf metadata), but not inside blocks', () => {
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', '//': { metadata: { path: 'a/b' } } }))).toEqual([]);
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', timeouts: { '//': 'x' } }))).toEqual(['unknown-attribute:timeouts.//']);
  });
  it('catches an unknown resource type (step 1)', () => {
    expect(rules(doc('openstack_networking_bogus_v2', {}))).toEqual(['unknown-type:']);
  });
  it('catches an unknown attribute (step 2)', () => {
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', colour: 'red' }))).toEqual(['unknown-attribute:colour']);
  });
  it('catches a computed-only attribute (step 3)', () => {
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', all_tags: ['a'] }))).toEqual(['computed-only:all_tags']);
  });
  it('catches a missing required attribute (step 4), also in a required pair', () => {
    expect(rules(doc('openstack_networking_subnet_v2', { cidr: '10.0.0.0/24' }))).toEqual(['missing-required:network_id']);
    expect(rules(doc('openstack_networking_floatingip_v2', {}))).toEqual(['missing-required:pool']);
  });
  it('catches mis-shaped blocks (step 5)', () => {
    // a single block given as an array
    expect(rules(doc('openstack_networking_network_v2', { timeouts: [{ create: '1m' }] }))).toEqual(['block-shape:timeouts']);
    // a list block given as a string
    expect(rules(doc('openstack_networking_subnet_v2', { network_id: 'n', allocation_pool: 'x' }))).toEqual(['block-shape:allocation_pool']);
    // an unknown key inside a block
    expect(rules(doc('openstack_networking_subnet_v2', { network_id: 'n', allocation_pool: [{ start: 'a', finish: 'b' }] }))).toEqual([
      'unknown-attribute:allocation_pool[0].finish',
      'missing-required:allocation_pool[0].end',
    ]);
    // more blocks than max_items
    expect(rules(doc('openstack_compute_servergroup_v2', { name: 'g', rules: [{ max_server_per_host: 1 }, { max_server_per_host: 2 }] }))).toEqual([
      'too-many-blocks:rules',
    ]);
    // one object for a list block is accepted
    expect(rules(doc('openstack_networking_subnet_v2', { network_id: 'n', allocation_pool: { start: 'a', end: 'b' } }))).toEqual([]);
  });
  it('catches primitives and collections of the wrong shape (step 5)', () => {
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', tags: 'a' }))).toEqual(['value-shape:tags']);
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', value_specs: ['a'] }))).toEqual(['value-shape:value_specs']);
    expect(rules(doc('openstack_networking_network_v2', { name: 'x', mtu: '1500' }))).toEqual(['value-shape:mtu']);
  });
  it('applies the stricter checks of step 6', () => {
    expect(rules(doc('openstack_dns_zone_v2', { name: 'a.', type: 'TERTIARY' }))).toEqual(['enum:type']);
    expect(rules(doc('openstack_lb_pool_v2', { lb_method: 'ROUND_ROBIN', protocol: 'HTTP' }))).toEqual(['exactly-one-of:']);
    expect(rules(doc('openstack_lb_pool_v2', { lb_method: 'ROUND_ROBIN', protocol: 'HTTP', listener_id: 'a', loadbalancer_id: 'b' }))).toEqual([
      'exactly-one-of:',
    ]);
    expect(rules(doc('openstack_lb_loadbalancer_v2', {}))).toEqual(['at-least-one-of:']);
    expect(rules(doc('openstack_networking_subnet_v2', { network_id: 'n', cidr: '10.0.0.0/24', prefix_length: 24 }))).toEqual(['conflicts-with:cidr']);
    expect(
      rules(doc('openstack_networking_secgroup_rule_v2', { direction: 'ingress', ethertype: 'IPv4', security_group_id: 's', port_range_min: 22 })),
    ).toEqual(['required-with:port_range_min', 'required-with:port_range_min']);
  });
  it('checks provider blocks, allowing alias', () => {
    expect(rules({ provider: { openstack: [{ alias: 'a', auth_url: 'https://k', region: 'r', passwd: 'x' }] } })).toEqual(['unknown-attribute:passwd']);
  });
});
