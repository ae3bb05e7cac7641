/**
 * What one poll says about a device's links, pure: which link ends are operationally down while
 * administratively up (a fault), and each link end's utilisation since the previous poll, with
 * counter wraps recovered and reboots/resets discarded rather than turned into traffic spikes.
 */
import { counterDelta, rebooted, utilisation } from './snmp/counters.js';
import type { DeviceSample, InterfaceBinding, InterfaceSample, PollTarget } from './types.js';

interface EndObservation {
  /** Fault object: `link:<id>` for model-bound interfaces, `interface:<device>/<ifName>` otherwise. */
  object: string;
  link?: InterfaceBinding;
  /** Tracker source: one per link end. */
  source: string;
  ifName: string;
  bad: boolean;
}

interface UtilisationSample {
  ifName: string;
  link: InterfaceBinding;
  ratio: number;
}

export interface SampleAnalysis {
  rebooted: boolean;
  ends: EndObservation[];
  utilisation: UtilisationSample[];
  wrapped: number;
  resets: number;
}

/** Interfaces that never raise link faults when a target has no model bindings. */
const IGNORED_UNBOUND = /^(lo|mgmt\d*)$/;

function endObject(target: Pick<PollTarget, 'device' | 'interfaces'>, ifName: string): { object: string; link?: InterfaceBinding } | undefined {
  if (target.interfaces) {
    const link = target.interfaces[ifName];
    return link ? { object: `link:${link.link}`, link } : undefined;
  }
  return IGNORED_UNBOUND.test(ifName) ? undefined : { object: `interface:${target.device}/${ifName}` };
}

export function analyseSample(target: PollTarget, prev: DeviceSample | undefined, next: DeviceSample): SampleAnalysis {
  const out: SampleAnalysis = { rebooted: false, ends: [], utilisation: [], wrapped: 0, resets: 0 };
  const prevByIndex = new Map<number, InterfaceSample>((prev?.interfaces ?? []).map((i) => [i.ifIndex, i]));
  out.rebooted = prev !== undefined && rebooted(prev.sysUpTime, next.sysUpTime);
  const elapsedMs = prev ? next.at - prev.at : 0;
  for (const itf of next.interfaces) {
    const bound = endObject(target, itf.name);
    if (!bound) continue;
    out.ends.push({
      object: bound.object,
      ...(bound.link ? { link: bound.link } : {}),
      source: `${target.device}:${itf.name}`,
      ifName: itf.name,
      bad: itf.adminUp && !itf.operUp,
    });
    const before = prevByIndex.get(itf.ifIndex);
    if (!bound.link || !before || out.rebooted || elapsedMs <= 0 || before.name !== itf.name) continue;
    const maxBitsPerSecond = bound.link.bandwidthMbps * 1e6;
    const din = counterDelta(before.inOctets, itf.inOctets, { bits: 64, elapsedMs, maxBitsPerSecond });
    const dout = counterDelta(before.outOctets, itf.outOctets, { bits: 64, elapsedMs, maxBitsPerSecond });
    if (din.kind === 'reset' || dout.kind === 'reset') {
      out.resets++;
      continue;
    }
    if (din.kind === 'wrapped' || dout.kind === 'wrapped') out.wrapped++;
    out.utilisation.push({ ifName: itf.name, link: bound.link, ratio: utilisation(din.delta, dout.delta, elapsedMs, bound.link.bandwidthMbps) });
  }
  return out;
}
