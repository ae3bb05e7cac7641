/**
 * NET-122: every backbone adjacency runs BFD for OSPFv2 and OSPFv3 on both ends, in both dialects'
 * rendered lines, with the timers of the link's tier (province.yaml `tiers[].bfd`;
 * inventory/ospf-security.yaml for the r1–r2 and exit links).
 */
import { definePolicy, type Violation } from '../types.js';
import { preambleStanza, renderedAdjacencies, type AdjacencyEnd } from './adjacency-configs.js';
import type { BfdTimers } from '../../network/types.js';

function frrProblems(end: AdjacencyEnd, want: BfdTimers): string[] {
  const out: string[] = [];
  for (const [proto, name] of [
    ['ip ospf', 'OSPFv2'],
    ['ipv6 ospf6', 'OSPFv3'],
  ] as const) {
    const profile = end.lines.map((l) => new RegExp(`^${proto} bfd profile (\\S+)$`).exec(l)?.[1]).find(Boolean);
    if (!end.lines.includes(`${proto} bfd`) || !profile) {
      out.push(`no BFD for ${name}`);
      continue;
    }
    const bfd = end.preamble.indexOf('bfd') >= 0 ? end.preamble.slice(end.preamble.indexOf('bfd')) : [];
    const lines = preambleStanza(
      bfd.map((l) => l.replace(/^ /, '')),
      new RegExp(`^profile ${profile}$`),
    );
    const expect = [`detect-multiplier ${want.multiplier}`, `receive-interval ${want.minRxMs}`, `transmit-interval ${want.minTxMs}`];
    if (!lines || !expect.every((l) => lines.includes(l))) out.push(`BFD profile ${profile} is not ${want.minTxMs}/${want.minRxMs} ms ×${want.multiplier}`);
  }
  return out;
}

function vrpProblems(end: AdjacencyEnd, want: BfdTimers): string[] {
  const out: string[] = [];
  if (!end.preamble.includes('bfd')) out.push('no global `bfd`');
  const timers = {
    ospf: `ospf bfd min-tx-interval ${want.minTxMs} min-rx-interval ${want.minRxMs} detect-multiplier ${want.multiplier}`,
    ospfv3: `ospfv3 bfd min-transmit-interval ${want.minTxMs} min-receive-interval ${want.minRxMs} detect-multiplier ${want.multiplier}`,
  };
  for (const word of ['ospf', 'ospfv3'] as const) {
    if (!end.lines.includes(`${word} bfd enable`)) out.push(`no \`${word} bfd enable\``);
    else if (!end.lines.includes(timers[word])) out.push(`${word} BFD timers are not ${want.minTxMs}/${want.minRxMs} ms ×${want.multiplier}`);
  }
  return out;
}

export const bfdOnEveryAdjacency = definePolicy({
  id: 'NET-122',
  title: 'every backbone adjacency has BFD with its tier’s timers',
  severity: 'hard',
  description:
    'Without BFD a silently failed link is noticed only when the OSPF dead interval runs out (40 s by default); with it in about min-rx × multiplier. Every link between two routers runs BFD for OSPFv2 and OSPFv3 on both ends with the timers of its tier.',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    for (const adj of renderedAdjacencies(topology)) {
      const want = topology.ospfSecurity?.bfdByTier[adj.link.tier];
      for (const end of adj.ends) {
        const why = !want
          ? [`no BFD timers for tier ${adj.link.tier} (tier table / inventory/ospf-security.yaml)`]
          : adj.dialect === 'frr'
            ? frrProblems(end, want)
            : vrpProblems(end, want);
        for (const w of why) out.push({ resource: `link:${adj.link.id}`, message: `${adj.dialect} ${end.device} ${end.interface}: ${w}` });
      }
    }
    return out;
  },
});
