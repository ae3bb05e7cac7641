/**
 * The FRR syntax gate with the real vtysh (FRR 8.4, `--dryrun`): the rendered configs pass, broken
 * lines are named by device, file and line, and batching keeps every file in its own context.
 */
import { describe, expect, it } from 'vitest';
import { fixtureTopology } from '../support/fixture.js';
import { renderFrr } from '../../network/render/frr.js';
import { checkFrrSyntax, describeFinding, type SyntaxInput } from '../../lib/frr-syntax.js';

const topology = fixtureTopology();
const rendered = (fastTimers: boolean): SyntaxInput[] =>
  topology.devices.map((d) => ({ device: d.id, path: `frr/${d.hostname}.conf`, text: renderFrr(topology, d.id, { fastTimers }) }));

describe('FRR syntax gate (vtysh --dryrun)', () => {
  it('accepts every rendered config of the fixture, production and lab timers', async () => {
    for (const fast of [false, true]) {
      const r = await checkFrrSyntax(rendered(fast), { batchSize: 4 });
      expect(r.findings.map(describeFinding)).toEqual([]);
      expect(r.files).toBe(topology.devices.length);
      expect(r.processes).toBe(Math.ceil(topology.devices.length / 4));
    }
  });

  it('names device, file and line of each broken line, also several in one batch', async () => {
    // (vtysh takes unambiguous abbreviations: `ipv6 rout` would pass, so the breakage is a typo.)
    const files = rendered(true);
    const i = files.findIndex((f) => f.device === 'xian-r1');
    const j = files.findIndex((f) => f.device === 'shaanxi-exit1');
    files[i] = { ...files[i]!, text: files[i]!.text.replace(' ip ospf area 0.0.0.1', ' ip ospf area zero') };
    files[j] = { ...files[j]!, text: files[j]!.text.replace('ipv6 route ::/0', 'ipv6 ruote ::/0') };
    const r = await checkFrrSyntax(files, { batchSize: 100 });
    expect(r.processes).toBe(1);
    const lineOf = (f: SyntaxInput, needle: string) => f.text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(r.findings.map((f) => [f.device, f.path, f.line, f.text, f.message])).toEqual(
      expect.arrayContaining([
        ['xian-r1', files[i]!.path, lineOf(files[i]!, ' ip ospf area zero'), ' ip ospf area zero', expect.stringMatching(/^% Unknown command/)],
        [
          'shaanxi-exit1',
          files[j]!.path,
          lineOf(files[j]!, 'ipv6 ruote ::/0'),
          expect.stringContaining('ipv6 ruote ::/0'),
          expect.stringMatching(/^% Unknown command/),
        ],
      ]),
    );
    expect(new Set(r.findings.map((f) => f.device))).toEqual(new Set(['xian-r1', 'shaanxi-exit1']));
    expect(describeFinding(r.findings.find((f) => f.device === 'xian-r1')!)).toMatch(
      /^xian-r1 frr\/\S+\.conf:\d+: % Unknown command\[\d+\]: ip ospf area zero$/,
    );
  });

  it('checks each file in its own context: a stanza left open does not swallow the next file', async () => {
    const open: SyntaxInput = { device: 'a', path: 'a.conf', text: 'interface x\n' };
    const stray: SyntaxInput = { device: 'b', path: 'b.conf', text: ' ip address 10.0.0.1/32\n' };
    const r = await checkFrrSyntax([open, stray]);
    expect(r.findings.map((f) => [f.device, f.line])).toEqual([['b', 1]]);
  });

  it('agrees with one vtysh per file', async () => {
    const files = rendered(false).map((f, k) => (k % 3 === 0 ? { ...f, text: f.text.replace('log-adjacency-changes', 'log-adjacency-chnages') } : f));
    const batched = await checkFrrSyntax(files, { batchSize: 50 });
    const single = await checkFrrSyntax(files, { batchSize: 1 });
    expect(batched.findings).toEqual(single.findings);
    expect(batched.findings.length).toBe(Math.ceil(files.length / 3)); // the first of the two per file (router ospf)
  });
});
