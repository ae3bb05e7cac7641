/**
 * NET-121: every backbone adjacency is authenticated in both families, on both ends, in both
 * dialects' rendered lines: OSPFv2 keyed MD5 and OSPFv3 the RFC 7166 trailer with HMAC-SHA-256 (the
 * strongest FRR 8.4 and VRP share, inventory/ospf-security.yaml), every key a `{{secret:…}}`
 * reference (never a value in the synthesized tree).
 */
import { definePolicy, type Violation } from '../types.js';
import { preambleStanza, REFERENCE, renderedAdjacencies, type AdjacencyEnd } from './adjacency-configs.js';

function frrProblems(end: AdjacencyEnd): string[] {
  const out: string[] = [];
  const md5 = end.lines.filter((l) => l.startsWith('ip ospf message-digest-key '));
  if (!end.lines.includes('ip ospf authentication message-digest') || !md5.length) out.push('no OSPFv2 MD5 authentication');
  else if (!md5.every((l) => REFERENCE.test(l.split(' ')[5] ?? ''))) out.push('a literal OSPFv2 key (not a {{secret:…}} reference)');
  const chain = end.lines.map((l) => /^ipv6 ospf6 authentication keychain (\S+)$/.exec(l)?.[1]).find(Boolean);
  const keys = chain && preambleStanza(end.preamble, new RegExp(`^key chain ${chain}$`));
  if (!chain || !keys) out.push('no OSPFv3 authentication trailer (key chain)');
  else {
    if (
      !keys.some((l) => l === 'cryptographic-algorithm hmac-sha-256') ||
      keys.some((l) => l.startsWith('cryptographic-algorithm ') && l !== 'cryptographic-algorithm hmac-sha-256')
    )
      out.push(`key chain ${chain} is not HMAC-SHA-256`);
    if (!keys.filter((l) => l.startsWith('key-string ')).every((l) => REFERENCE.test(l.split(' ')[1] ?? '')))
      out.push(`a literal OSPFv3 key in key chain ${chain}`);
  }
  return out;
}

function vrpProblems(end: AdjacencyEnd): string[] {
  const out: string[] = [];
  for (const [word, name, algo] of [
    ['ospf', 'OSPFv2', 'md5'],
    ['ospfv3', 'OSPFv3', 'hmac-sha-256'],
  ] as const) {
    const chain = end.lines.map((l) => new RegExp(`^${word} authentication-mode keychain (\\S+)$`).exec(l)?.[1]).find(Boolean);
    const keys = chain && preambleStanza(end.preamble, new RegExp(`^keychain ${chain}( |$)`));
    if (!chain || !keys) out.push(`no ${name} keychain authentication`);
    else {
      if (!keys.some((l) => l === `algorithm ${algo}`)) out.push(`keychain ${chain} is not ${algo}`);
      if (!keys.filter((l) => l.startsWith('key-string ')).every((l) => REFERENCE.test(l.split(' ')[2] ?? '')))
        out.push(`a literal ${name} key in keychain ${chain}`);
    }
  }
  return out;
}

export const ospfAuthenticationEverywhere = definePolicy({
  id: 'NET-121',
  title: 'every backbone adjacency is authenticated (OSPFv2 MD5, OSPFv3 HMAC-SHA-256 trailer)',
  severity: 'hard',
  description:
    'An unauthenticated OSPF adjacency lets any device on a link inject routes into the government extranet. Every link between two routers authenticates OSPFv2 (keyed MD5: FRR 8.4 has no RFC 5709 HMAC-SHA) and OSPFv3 (RFC 7166 trailer, HMAC-SHA-256) with per-area keys held in the sealed secret store and referenced from the configs.',
  requires: ['topology'],
  check({ topology }) {
    const out: Violation[] = [];
    for (const adj of renderedAdjacencies(topology)) {
      for (const end of adj.ends) {
        for (const why of adj.dialect === 'frr' ? frrProblems(end) : vrpProblems(end))
          out.push({ resource: `link:${adj.link.id}`, message: `${adj.dialect} ${end.device} ${end.interface}: ${why}` });
      }
    }
    return out;
  },
});
