/**
 * `stacks lab fault link A B down|up` and `stacks lab fault device X down|up`: hold interfaces down
 * for the monitoring and DR work, recorded in the lab state so a later deploy keeps them down and
 * `up` restores exactly what the fault took away (an interface another fault holds stays down).
 * A link fault is a cut (one end down, the other admin-up without carrier); a device fault is a
 * shutdown of the whole device (every interface administratively down). See faults.ts.
 */
import { inputError, runtimeError } from '../lib/errors.js';
import { openLab, type LabOptions } from './deploy.js';
import { acquireLock } from './lock.js';
import { StateStore } from './state.js';
import { findLink, heldDownInterfaces, linkEnds } from './faults.js';
import { deviceNs, internetNs, MGMT_IF } from './names.js';
import { planWiring } from './wiring.js';
import { ipBatch } from './shell.js';
import { readLinks } from './realize.js';

type FaultDirection = 'down' | 'up';

export interface FaultResult {
  lab: string;
  object: string;
  direction: FaultDirection;
  interfaces: string[];
}

function checkDirection(d: string): FaultDirection {
  if (d !== 'down' && d !== 'up') throw inputError('E_USAGE', '(command line)', 'direction', `"${d}" must be down or up`);
  return d;
}

async function applyFault(
  opts: LabOptions,
  object: string,
  direction: FaultDirection,
  change: (faults: { links: string[]; devices: string[] }) => string[],
): Promise<FaultResult> {
  const { lab, paths, state, scoped } = await openLab(opts);
  if (!state) throw runtimeError('E_LAB_NOT_DEPLOYED', `lab ${lab} is not deployed`, 'run `stacks deploy --target lab` first');
  const lock = acquireLock(paths.lock, 'fault');
  try {
    const store = new StateStore(paths.state, state);
    let touched: string[] = [];
    await store.update((s) => void (touched = change(s.faults)));
    const held = heldDownInterfaces(scoped, store.state);
    const byNs = new Map<string, string[]>();
    for (const key of touched) {
      const [ns, ifname] = [key.slice(0, key.lastIndexOf('/')), key.slice(key.lastIndexOf('/') + 1)];
      const lines = byNs.get(ns) ?? [];
      lines.push(`link set ${ifname} ${held.has(key) ? 'down' : 'up'}`);
      byNs.set(ns, lines);
    }
    // The upstream's routes into the province vanish with its interface: restore them on the way up.
    const inet = planWiring(scoped, { lab, rateScale: store.state.rateScale, slots: store.state.slots }).namespaces.find((n) => n.ns === internetNs(lab));
    if (inet && byNs.has(inet.ns)) byNs.get(inet.ns)!.push(...inet.routes.map((r) => `route replace ${r}`));
    for (const [ns, lines] of byNs) await ipBatch(lines, ns, true);
    return { lab, object, direction, interfaces: touched };
  } finally {
    lock.release();
  }
}

export async function faultLink(opts: LabOptions, a: string, b: string, dir: string): Promise<FaultResult> {
  const direction = checkDirection(dir);
  const { scoped, lab } = await openLab(opts);
  const id = findLink(scoped, a, b);
  if (!id)
    throw inputError(
      'E_LAB_NO_LINK',
      '(command line)',
      `${a} ${b}`,
      `no link between ${a} and ${b} in the lab`,
      'see `stacks lab status` for the links (use `internet` for an exit’s upstream)',
    );
  return applyFault(opts, `link:${id}`, direction, (f) => {
    f.links = direction === 'down' ? [...new Set([...f.links, id])] : f.links.filter((l) => l !== id);
    // Both ends are touched: each is set to what the held set says (the cut end down, the sensing
    // end up), which also restores a lab faulted before cuts were one-sided.
    const ends = linkEnds(scoped, lab, id)!;
    return [ends.cut, ends.sensing];
  });
}

export async function faultDevice(opts: LabOptions, device: string, dir: string): Promise<FaultResult> {
  const direction = checkDirection(dir);
  const { scoped, lab } = await openLab(opts);
  if (!scoped.devices.some((d) => d.id === device)) throw inputError('E_LAB_NO_DEVICE', '(command line)', device, `no device ${device} in the lab`);
  const ns = deviceNs(lab, device);
  const present = [...(await readLinks(ns)).keys()].filter((i) => i !== 'lo');
  return applyFault(opts, `device:${device}`, direction, (f) => {
    f.devices = direction === 'down' ? [...new Set([...f.devices, device])] : f.devices.filter((d) => d !== device);
    return [...new Set([...present, MGMT_IF])].map((i) => `${ns}/${i}`);
  });
}
