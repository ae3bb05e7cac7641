/**
 * What both dialects' parsers share: numbered lines, the interface under construction (OSPF
 * settings may precede the line that enables OSPF), the finding for a line not understood, and a
 * fingerprint that lets authentication keys be compared without keeping them.
 */
import type { Family } from '../../types.js';
import { parseCidrText } from './address.js';
import type { ConfigAddress, ConfigInterface, OspfAuth, OspfBfd, OspfInterface, OspfVersion, ParseFinding, ParsedConfig } from './model.js';

export interface NumberedLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  indent: number;
  words: string[];
}

export function numberedLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const trimmed = raw.trim();
    const indent = raw.length - raw.trimStart().length;
    out.push({ line: i + 1, text: trimmed, indent, words: trimmed ? trimmed.split(/\s+/) : [] });
  }
  return out;
}

/** OSPF settings of one interface and version as the lines give them, before defaults apply. */
interface OspfDraft {
  area?: string;
  areaLine?: number;
  cost?: number;
  networkType?: OspfInterface['networkType'];
  passive?: boolean;
  passiveLine?: number;
  hello?: number;
  dead?: number;
  auth?: string;
  authentication?: OspfAuth;
  bfd?: OspfBfd;
}

export interface InterfaceDraft {
  iface: ConfigInterface;
  ospf: Record<OspfVersion, OspfDraft>;
}

export function interfaceDraft(name: string, line: number, loopback: boolean): InterfaceDraft {
  return {
    iface: { name, line, shutdown: false, mtu: 1500, ipv6: [], ipv6Enabled: true, ospf: {}, loopback },
    ospf: { v2: {}, v3: {} },
  };
}

/** Turn drafts into interfaces: an interface runs OSPF of a version when it has an area for it. */
export function finishInterface(d: InterfaceDraft, defaults: { hello: number; dead: number }): ConfigInterface {
  for (const v of ['v2', 'v3'] as const) {
    const o = d.ospf[v];
    if (o.area === undefined) continue;
    const networkType = o.networkType ?? (d.iface.loopback ? 'loopback' : 'broadcast');
    const hello = o.hello ?? defaults.hello;
    d.iface.ospf[v] = {
      area: o.area,
      areaLine: o.areaLine ?? d.iface.line,
      ...(o.cost !== undefined ? { cost: o.cost } : {}),
      networkType,
      passive: o.passive ?? false,
      ...(o.passiveLine !== undefined ? { passiveLine: o.passiveLine } : {}),
      helloSeconds: hello,
      // Both dialects derive the dead interval as four hellos when only the hello is set.
      deadSeconds: o.dead ?? (o.hello !== undefined ? 4 * hello : defaults.dead),
      auth: o.auth ?? 'none',
      ...(o.authentication ? { authentication: o.authentication } : {}),
      ...(o.bfd ? { bfd: o.bfd } : {}),
    };
  }
  return d.iface;
}

/**
 * A word after which a config line may carry a key, a password or a community (both dialects,
 * snmpd): any word naming a key, password, secret, community, cipher or digest, and the bare words
 * that introduce one (`simple`, `sha`, `sha256`).
 */
const SECRET_WORD = /key|passw|secret|communit|cipher|md5|hmac|createuser|auth-code|^(simple|sha\d*)$/i;

/**
 * A line as a finding may quote it: from the first word that introduces a secret on, the words are
 * replaced by `***` (a finding ends up in reports and logs; the line may hold a resolved key).
 */
function shownLine(text: string): string {
  const words = text.split(/\s+/);
  const at = words.findIndex((w) => SECRET_WORD.test(w));
  return at < 0 || at === words.length - 1 ? text : [...words.slice(0, at + 1), '***'].join(' ');
}

export class FindingSink {
  readonly findings: ParseFinding[] = [];
  unknown(l: NumberedLine, where: string): void {
    this.findings.push({ id: 'parse.unknown-line', line: l.line, message: `not understood ${where}: "${shownLine(l.text)}"` });
  }
  bad(l: NumberedLine, why: string): void {
    this.findings.push({ id: 'parse.bad-value', line: l.line, message: `${why}: "${shownLine(l.text)}"` });
  }
  add(id: string, line: number, message: string): void {
    this.findings.push({ id, line, message });
  }
}

export function positiveInt(text: string | undefined, max = 0xffff): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= max ? n : undefined;
}

/** OSPF area ids are dotted (`0.0.0.0`) or decimal (`0`); the model compares them dotted. */
export function areaId(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > 0xffffffff) return undefined;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m || m.slice(1).some((p) => Number(p) > 255)) return undefined;
  return m.slice(1).map(Number).join('.');
}

export function routerIdOk(text: string | undefined): boolean {
  return areaId(text) !== undefined && text !== undefined && text.includes('.');
}

/** FNV-1a of a key: equal keys compare equal, and the key itself never leaves the parser. */
export function keyFingerprint(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function addAddress(sink: FindingSink, l: NumberedLine, cidr: string | undefined, family: Family): ConfigAddress | undefined {
  if (cidr === undefined) {
    sink.bad(l, 'address missing');
    return undefined;
  }
  const a = parseCidrText(cidr, family, l.line);
  if (typeof a === 'string') {
    sink.bad(l, a);
    return undefined;
  }
  return a;
}

export function emptyConfig(dialect: string, preferences: ParsedConfig['preferences']): ParsedConfig {
  return { dialect, interfaces: [], ospf: {}, statics: [], preferences, findings: [] };
}
