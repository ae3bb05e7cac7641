/**
 * VRP MQC statements into `ParsedConfig.qos` (network/verify/config/model.ts): `traffic classifier
 * NAME [operator and|or]` with `if-match dscp …`, `traffic behavior NAME` with `queue ef|af
 * bandwidth pct N` or `queue wfq`, `traffic policy NAME` with `classifier C behavior B`, and on
 * interfaces `qos gts cir KBPS` and `traffic-policy NAME inbound|outbound`. Anything else inside
 * those stanzas is a finding; undefined references are findings once the file is read.
 */
import type { ParsedConfig, QosConfig } from '../verify/config/model.js';
import { positiveInt, type FindingSink, type NumberedLine } from '../verify/config/parse-support.js';

const DSCP_WORDS: Record<string, number> = { default: 0, ef: 46, cs1: 8, cs2: 16, cs3: 24, cs4: 32, cs5: 40, cs6: 48, cs7: 56 };
for (let c = 1; c <= 4; c++) for (let d = 1; d <= 3; d++) DSCP_WORDS[`af${c}${d}`] = 8 * c + 2 * d;

function qosOf(config: ParsedConfig): QosConfig {
  config.qos ??= { classifiers: new Map(), behaviors: new Map(), policies: new Map(), applied: [], shaping: [] };
  return config.qos;
}

/** The handler of the lines inside a `traffic …` stanza, or undefined when `l` opens none. */
export function vrpQosStanza(l: NumberedLine, config: ParsedConfig, sink: FindingSink): ((inner: NumberedLine) => void) | undefined {
  const w = l.words;
  if (w[0] !== 'traffic' || w[2] === undefined) return undefined;
  const q = qosOf(config);
  const name = w[2];
  if (w[1] === 'classifier' && (w.length === 3 || (w[3] === 'operator' && (w[4] === 'and' || w[4] === 'or') && w.length === 5))) {
    const c = { dscp: [] as number[], operator: (w[4] ?? 'and') as 'and' | 'or', line: l.line };
    q.classifiers.set(name, c);
    return (inner) => {
      if (inner.words[0] !== 'if-match' || inner.words[1] !== 'dscp' || inner.words.length < 3) return sink.unknown(inner, `in traffic classifier ${name}`);
      for (const word of inner.words.slice(2)) {
        const d = DSCP_WORDS[word] ?? (/^\d+$/.test(word) && Number(word) <= 63 ? Number(word) : undefined);
        if (d === undefined) sink.bad(inner, `"${word}" is not a DSCP value`);
        else c.dscp.push(d);
      }
    };
  }
  if (w[1] === 'behavior' && w.length === 3) {
    const b: { queue?: 'ef' | 'af' | 'wfq'; percent?: number; line: number } = { line: l.line };
    q.behaviors.set(name, b);
    return (inner) => {
      const iw = inner.words;
      if (iw[0] === 'queue' && iw[1] === 'wfq' && iw.length === 2) b.queue = 'wfq';
      else if (iw[0] === 'queue' && (iw[1] === 'ef' || iw[1] === 'af') && iw[2] === 'bandwidth' && iw[3] === 'pct' && iw.length === 5) {
        const pct = positiveInt(iw[4], 100);
        if (pct === undefined) sink.bad(inner, 'bandwidth pct is 1–100');
        else {
          b.queue = iw[1];
          b.percent = pct;
        }
      } else sink.unknown(inner, `in traffic behavior ${name}`);
    };
  }
  if (w[1] === 'policy' && w.length === 3) {
    const p = { entries: [] as Array<{ classifier: string; behavior: string; line: number }>, line: l.line };
    q.policies.set(name, p);
    return (inner) => {
      const iw = inner.words;
      if (iw[0] === 'classifier' && iw[2] === 'behavior' && iw.length === 4) p.entries.push({ classifier: iw[1]!, behavior: iw[3]!, line: inner.line });
      else sink.unknown(inner, `in traffic policy ${name}`);
    };
  }
  return undefined;
}

/** An interface line `qos gts cir N` or `traffic-policy P inbound|outbound`; false when neither. */
export function vrpQosInterfaceLine(l: NumberedLine, iface: string, config: ParsedConfig, sink: FindingSink): boolean {
  const w = l.words;
  if (w[0] === 'qos' && w[1] === 'gts' && w[2] === 'cir') {
    const kbps = w.length === 4 ? positiveInt(w[3], 400_000_000) : undefined;
    if (kbps === undefined) sink.bad(l, 'qos gts cir takes a rate in kbit/s');
    else qosOf(config).shaping.push({ interface: iface, kbps, line: l.line });
    return true;
  }
  if (w[0] === 'traffic-policy' && w.length === 3 && (w[2] === 'inbound' || w[2] === 'outbound')) {
    qosOf(config).applied.push({ interface: iface, policy: w[1]!, direction: w[2], line: l.line });
    return true;
  }
  return false;
}

/** After the whole file: every reference names something defined (VRP would refuse the line otherwise). */
export function finishVrpQos(config: ParsedConfig, sink: FindingSink): void {
  const q = config.qos;
  if (!q) return;
  for (const [name, p] of q.policies)
    for (const e of p.entries) {
      if (e.classifier !== 'default-class' && !q.classifiers.has(e.classifier))
        sink.add('ref.undefined-qos', e.line, `policy ${name} names classifier ${e.classifier}, which is not defined`);
      if (!q.behaviors.has(e.behavior)) sink.add('ref.undefined-qos', e.line, `policy ${name} names behavior ${e.behavior}, which is not defined`);
    }
  for (const a of q.applied)
    if (!q.policies.has(a.policy)) sink.add('ref.undefined-qos', a.line, `${a.interface} applies traffic policy ${a.policy}, which is not defined`);
}
