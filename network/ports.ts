/**
 * Physical ports, allocated once and kept in the IPAM ledger beside the addresses (`ports`:
 * device → model interface → VRP port). The rules are the addresses' rules:
 *   - an entry is never moved: an interface keeps its port for as long as it exists, whatever is
 *     added or removed around it, so removing a site re-cables nobody else;
 *   - an interface without an entry takes the lowest free port of its card (new interfaces of a
 *     device in natural name order, so an empty ledger numbers d3 before d12);
 *   - a removed interface's entry is dropped: its port is free for the next site (unlike an address
 *     block, a port is not routed anywhere once its cable is gone).
 * Which card: the interface's slot by role and its port type by the circuit's rate
 * (render/vrp-names.ts vrpSlot, vrpPortType); which cards exist: the device's router model in
 * hardware.yaml. Without hardware.yaml a card is unbounded and the device has no unused ports.
 * The model interface names (`d<slot>`, `up0`) the FRR configs and the lab use are stable already
 * (`d<slot>` is the child's block position in the ledger); this ledger adds the physical port.
 * Pure: the ledger comes in, the ledger as it must be after this run goes out.
 */
import type { HardwareCard, HardwareFile } from '../inventory/hardware-schema.js';
import { StacksError, StacksErrors, inputError } from '../lib/errors.js';
import { naturalCompare } from './render/common.js';
import { parsePortName, portName, vrpPortType, vrpSlot } from './render/vrp-names.js';
import type { Device, Interface, Level } from './types.js';

/** device id → model interface name → VRP port name. */
type PortLedger = Record<string, Record<string, string>>;

export interface PortPlan {
  /** The `ports` section as it must be after this run. */
  ledger: PortLedger;
  /** `device/interface` given a port now. */
  added: string[];
  /** `device/interface` whose port was freed (the interface or its device is gone). */
  freed: string[];
}

export interface PortInputs {
  existing: PortLedger;
  ledgerFile: string;
  hardware?: { file: string; doc: HardwareFile };
  levelOf: (device: Device) => Level;
}

/** An unbounded card of one type in one slot (no hardware profile). */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/**
 * Gives every interface of every device its port (`iface.port`) and, where the device's model is
 * known, records the model and the ports no link uses (`device.hardware`). Throws one StacksErrors
 * with every problem: a ledger entry that does not fit, a card missing or full.
 */
export function assignPorts(devices: Device[], inputs: PortInputs): PortPlan {
  const errors: StacksError[] = [];
  const ledger: PortLedger = {};
  const added: string[] = [];
  const freed: string[] = [];
  const known = new Set(devices.map((d) => d.id));
  for (const id of Object.keys(inputs.existing).sort())
    if (!known.has(id)) for (const name of Object.keys(inputs.existing[id]!).sort(naturalCompare)) freed.push(`${id}/${name}`);

  for (const device of [...devices].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const hw = inputs.hardware;
    const modelName = hw && modelOf(hw.doc, device.role, inputs.levelOf(device));
    const cards = modelName ? hw.doc.models[modelName]!.cards : undefined;
    const cardsPath = `models.${modelName}.cards`;
    const wanted = (iface: Interface) => ({ slot: vrpSlot(device, iface), type: vrpPortType(iface.bandwidthMbps) });
    const cardsFor = (slot: number, type: string): HardwareCard[] =>
      cards
        ? cards.filter((c) => c.slot === slot && c.type === type).sort((a, b) => a.subcard - b.subcard)
        : [{ slot, subcard: 0, type: type as HardwareCard['type'], ports: UNBOUNDED }];
    const byName = new Map(device.interfaces.map((i) => [i.name, i]));
    const used = new Set<string>();
    const own: Record<string, string> = {};
    const entries = inputs.existing[device.id] ?? {};
    const fresh: Interface[] = [];

    for (const name of Object.keys(entries).sort(naturalCompare)) if (!byName.has(name)) freed.push(`${device.id}/${name}`);
    for (const iface of [...device.interfaces].sort((a, b) => naturalCompare(a.name, b.name))) {
      const port = entries[iface.name];
      if (port === undefined) {
        fresh.push(iface);
        continue;
      }
      const at = `ports.${device.id}.${iface.name}`;
      const want = wanted(iface);
      const p = parsePortName(port);
      const card = p && p.type === want.type && p.slot === want.slot ? cardsFor(want.slot, want.type).find((c) => c.subcard === p.subcard) : undefined;
      if (!p || !card || p.port >= card.ports) {
        errors.push(
          inputError(
            'E_LEDGER_PORT',
            inputs.ledgerFile,
            at,
            `${port} does not fit ${device.id} ${iface.name} (a ${iface.bandwidthMbps} Mbps ${iface.kind} needs a ${want.type} port in slot ${want.slot}${modelName ? ` of a ${modelName}` : ''})`,
            'delete the entry and synth gives the interface a free port (its cable moves)',
          ),
        );
        continue;
      }
      const other = Object.entries(own).find(([, v]) => v === port);
      if (other) {
        errors.push(inputError('E_LEDGER_PORT', inputs.ledgerFile, at, `${port} is also the port of ${device.id} ${other[0]}`, 'one port carries one cable'));
        continue;
      }
      used.add(port);
      own[iface.name] = port;
      iface.port = port;
    }
    for (const iface of fresh) {
      const want = wanted(iface);
      const group = cardsFor(want.slot, want.type);
      let port: string | undefined;
      for (const c of group) {
        for (let n = 0; n < c.ports && port === undefined; n++) {
          const name = portName({ type: c.type, slot: c.slot, subcard: c.subcard, port: n });
          if (!used.has(name)) port = name;
        }
        if (port) break;
      }
      if (!port) {
        const total = group.reduce((s, c) => s + c.ports, 0);
        errors.push(
          inputError(
            'E_HARDWARE_PORTS',
            hw!.file,
            cardsPath,
            group.length
              ? `${device.id} (${modelName}) has no free ${want.type} port in slot ${want.slot} for ${iface.name} (all ${total} in use)`
              : `${device.id} (${modelName}) needs a ${want.type} port in slot ${want.slot} for ${iface.name} (a ${iface.bandwidthMbps} Mbps ${iface.kind}); ${modelName} has no such card`,
            `add a card to ${modelName} or give roles.${device.role} a larger model for this level`,
          ),
        );
        continue;
      }
      used.add(port);
      own[iface.name] = port;
      iface.port = port;
      added.push(`${device.id}/${iface.name}`);
    }
    if (Object.keys(own).length) ledger[device.id] = own;
    if (cards && modelName) {
      const unusedPorts: string[] = [];
      for (const c of [...cards].sort((a, b) => a.slot - b.slot || a.subcard - b.subcard))
        for (let n = 0; n < c.ports; n++) {
          const name = portName({ type: c.type, slot: c.slot, subcard: c.subcard, port: n });
          if (!used.has(name)) unusedPorts.push(name);
        }
      device.hardware = { model: modelName, unusedPorts };
    }
  }
  if (errors.length) throw new StacksErrors(errors);
  return { ledger, added, freed };
}

function modelOf(hw: HardwareFile, role: Device['role'], level: Level): string {
  const r = hw.roles[role];
  return r.levels?.[level] ?? r.model;
}
