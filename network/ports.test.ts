/**
 * Physical ports live in the IPAM ledger (network/ports.ts): removing sites renames no other port,
 * changes no address and no other device's config in either dialect; bad ledger entries and
 * hardware that cannot hold a device are input errors naming file and path.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../inventory/load.js';
import { StacksError, StacksErrors } from '../lib/errors.js';
import { copyInventory, type InventoryCopy } from '../test/support/inventory.js';
import { frrLines } from './render/frr.js';
import type { ConfigLine } from './render/common.js';
import { vrpLines } from './render/vrp.js';
import { planAddresses } from './ipam.js';
import type { PortPlan } from './ports.js';
import { buildNetwork } from './topology.js';
import type { Topology } from './types.js';

type Built = Topology & { ports: PortPlan };
/** The topology with the port plan of its build beside it. */
function buildTopology(...args: Parameters<typeof buildNetwork>): Built {
  const { topology, ports } = buildNetwork(...args);
  return { ...topology, ports };
}

let base: Built;
let copy: InventoryCopy | undefined;
beforeAll(async () => {
  base = buildTopology(await loadInventory());
});
afterEach(async () => {
  await copy?.cleanup();
  copy = undefined;
});

const LINES = { frr: frrLines, vrp: vrpLines } as const;

/** A device's config without the lines of the given interfaces and without shut unused ports, `#` runs collapsed. */
function configWithout(topology: Topology, dialect: keyof typeof LINES, device: string, ifaces: Set<string>, shutPorts: Set<string>): string {
  const out: string[] = [];
  let skip = false;
  for (const l of LINES[dialect](topology, device) as ConfigLine[]) {
    if (l.text.startsWith('interface ')) skip = shutPorts.has(l.text.slice('interface '.length));
    if (skip && l.text !== '#') continue;
    if (l.iface !== undefined && ifaces.has(l.iface)) continue;
    if ((l.text === '#' || l.text === '!') && out.at(-1) === l.text) continue;
    out.push(l.text);
  }
  return out.join('\n');
}

async function failure(dir: string): Promise<StacksError[]> {
  const err = await loadInventory(dir)
    .then((inv) => buildTopology(inv))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(StacksError);
  return err instanceof StacksErrors ? err.errors : [err as StacksError];
}

describe('ports in the ledger', () => {
  it('the committed ledger records a port for every interface, none free to give out', () => {
    expect(base.ports.added).toEqual([]);
    expect(base.ports.freed).toEqual([]);
    for (const d of base.devices) for (const i of d.interfaces) expect(i.port, `${d.id} ${i.name}`).toBe(base.ports.ledger[d.id]![i.name]);
  });

  it('removing a county in the middle of a city and a township renames no other port and changes no address or other config (FRR and VRP)', async () => {
    // A cut-down province (all cities, four counties in the first, three townships each) with its
    // ledger written as synth would, so that every device's config is compared in both dialects.
    copy = await copyInventory();
    const kept = new Set<string>();
    await copy.edit('divisions.json', (d) => {
      d.cities.forEach((city: { id: string; counties: Array<{ id: string; townships: number }> }, ci: number) => {
        kept.add(city.id);
        city.counties = city.counties.slice(0, ci === 0 ? 4 : 1);
        for (const c of city.counties) {
          c.townships = Math.min(3, c.townships);
          kept.add(`${city.id}.${c.id}`);
          for (let t = 1; t <= c.townships; t++) kept.add(`${city.id}.${c.id}.t${String(t).padStart(2, '0')}`);
        }
      });
    });
    await copy.edit('legacy.yaml', (d) => {
      for (const id of Object.keys(d.sites ?? {})) if (!kept.has(id)) delete d.sites[id];
    });
    await copy.edit('ipam-ledger.json', (d) => {
      d.allocations = {};
      delete d.ports;
    });
    const first = await loadInventory(copy.dir);
    const ipam = planAddresses(first);
    const small = buildTopology(first, ipam);
    await copy.edit('ipam-ledger.json', (d) => {
      d.allocations = ipam.ledger.allocations;
      if (ipam.ledger.pools) d.pools = ipam.ledger.pools;
      d.ports = small.ports.ledger;
    });
    let county = '';
    let township = '';
    await copy.edit('divisions.json', (d) => {
      const city = d.cities[0];
      const removed = city.counties.splice(2, 1)[0];
      county = `${city.id}.${removed.id}`;
      const other = city.counties[0];
      township = `${city.id}.${other.id}.t${String(other.townships).padStart(2, '0')}`;
      other.townships -= 1;
    });
    await copy.edit('legacy.yaml', (d) => {
      for (const id of Object.keys(d.sites ?? {})) if (id === county || id.startsWith(`${county}.`) || id === township) delete d.sites[id];
    });
    const after = buildTopology(await loadInventory(copy.dir));
    const gone = (site: string) => site === county || site.startsWith(`${county}.`) || site === township;
    const removedDevices = new Set(small.devices.filter((d) => gone(d.site)).map((d) => d.id));
    expect(removedDevices.size).toBe(6); // the county's two cores and its three townships' routers, and the township's
    expect(after.devices.map((d) => d.id)).toEqual(small.devices.filter((d) => !removedDevices.has(d.id)).map((d) => d.id));

    const baseById = new Map(small.devices.map((d) => [d.id, d]));
    // The interfaces that faced a removed device, per surviving device: their ports are freed.
    const facing = new Map<string, Set<string>>();
    for (const l of small.links)
      for (const [near, far] of [
        [l.a, l.b],
        [l.b, l.a],
      ] as const)
        if (removedDevices.has(far.device) && !removedDevices.has(near.device))
          (facing.get(near.device) ?? facing.set(near.device, new Set()).get(near.device)!).add(near.interface);
    expect([...facing.keys()].sort()).toHaveLength(4); // the city's two cores, the county's two cores

    const freed = new Set(after.ports.freed);
    expect(after.ports.added).toEqual([]);
    for (const id of removedDevices) for (const name of Object.keys(small.ports.ledger[id] ?? {})) expect(freed.has(`${id}/${name}`)).toBe(true);
    for (const [id, names] of facing) for (const name of names) expect(freed.has(`${id}/${name}`)).toBe(true);

    for (const d of after.devices) {
      const before = baseById.get(d.id)!;
      const dropped = facing.get(d.id) ?? new Set<string>();
      // ports and addresses: every surviving interface keeps both
      expect(d.loopback).toEqual(before.loopback);
      const kept = before.interfaces.filter((i) => !dropped.has(i.name));
      expect(d.interfaces.map((i) => [i.name, i.port, i.ipv4, i.ipv6])).toEqual(kept.map((i) => [i.name, i.port, i.ipv4, i.ipv6]));
      expect(after.ports.ledger[d.id]).toEqual(Object.fromEntries(Object.entries(small.ports.ledger[d.id]!).filter(([n]) => !dropped.has(n))));
      // configs: identical, except that the removed neighbour's stanza (and its lines elsewhere) is gone
      // and, in VRP, its freed port is now an unused port, shut
      const freedPorts = new Set(before.interfaces.filter((i) => dropped.has(i.name)).map((i) => i.port!));
      for (const dialect of ['frr', 'vrp'] as const) {
        if (!dropped.size) {
          expect(
            LINES[dialect](after, d.id).map((l) => l.text),
            `${dialect} ${d.id}`,
          ).toEqual(LINES[dialect](small, d.id).map((l) => l.text));
          continue;
        }
        expect(configWithout(after, dialect, d.id, dropped, freedPorts), `${dialect} ${d.id}`).toBe(configWithout(small, dialect, d.id, dropped, freedPorts));
      }
      if (dropped.size) for (const p of freedPorts) expect(d.hardware!.unusedPorts).toContain(p);
    }
  }, 60_000);

  it('a new site takes the lowest free port and moves none', async () => {
    copy = await copyInventory();
    let parent = '';
    await copy.edit('divisions.json', (d) => {
      const county = d.cities[1].counties[0];
      parent = `${d.cities[1].id}.${county.id}-r1`;
      county.townships += 1;
    });
    const after = buildTopology(await loadInventory(copy.dir));
    const before = base.devices.find((d) => d.id === parent)!;
    const now = after.devices.find((d) => d.id === parent)!;
    const added = now.interfaces.filter((i) => !before.interfaces.some((b) => b.name === i.name));
    expect(added).toHaveLength(1);
    expect(added[0]!.port).toBe(before.hardware!.unusedPorts.find((p) => p.startsWith('GigabitEthernet2/')));
    for (const i of before.interfaces) expect(now.interfaces.find((x) => x.name === i.name)!.port).toBe(i.port);
    expect(after.ports.added).toContain(`${parent}/${added[0]!.name}`);
  });
});

describe('ports: input errors name the file and the path', () => {
  it('a ledger port of the wrong type, and one port given twice', async () => {
    copy = await copyInventory();
    let down = '';
    await copy.edit('ipam-ledger.json', (d) => {
      down = Object.keys(d.ports['xian-r1']).find((n) => n.startsWith('d'))!;
      d.ports['xian-r1'][down] = 'GigabitEthernet2/0/0';
      d.ports['xian-r2'].up1 = d.ports['xian-r2'].peer0;
    });
    const errs = await failure(copy.dir);
    expect(errs.map((e) => [e.code, e.file?.replace(/.*\//, ''), e.path])).toEqual([
      ['E_LEDGER_PORT', 'ipam-ledger.json', `ports.xian-r1.${down}`],
      ['E_LEDGER_PORT', 'ipam-ledger.json', 'ports.xian-r2.up1'],
    ]);
    expect(errs[0]!.message).toMatch(
      /GigabitEthernet2\/0\/0 does not fit xian-r1 d\d+ \(a 2000 Mbps downlink needs a XGigabitEthernet port in slot 2 of a NE40E-X3A\)/,
    );
    expect(errs[1]!.message).toMatch(/is also the port of xian-r2 peer0/);
  });

  it('a card too small for a county core, and a card the model lacks', async () => {
    copy = await copyInventory();
    await copy.edit('hardware.yaml', (d) => {
      d.models['NE20E-S2F'].cards[2].ports = 4;
      d.models.AR6300.cards = d.models.AR6300.cards.filter((c: { slot: number }) => c.slot !== 1);
    });
    await copy.edit('ipam-ledger.json', (d) => delete d.ports);
    const errs = await failure(copy.dir);
    expect(errs.every((e) => e.code === 'E_HARDWARE_PORTS' && /hardware\.yaml$/.test(e.file ?? ''))).toBe(true);
    expect(errs.some((e) => e.path === 'models.NE20E-S2F.cards' && /has no free GigabitEthernet port in slot 2 .*all 4 in use/.test(e.message))).toBe(true);
    expect(
      errs.some((e) => e.path === 'models.AR6300.cards' && /needs a XGigabitEthernet port in slot 1 for up0 .* AR6300 has no such card/.test(e.message)),
    ).toBe(true);
  });

  it('an unknown model and a doubled card slot', async () => {
    copy = await copyInventory();
    await copy.edit('hardware.yaml', (d) => {
      d.roles.exit.model = 'NE5000E';
      d.models.AR6280.cards.push({ slot: 0, type: 'GigabitEthernet', ports: 2 });
    });
    const errs = await failure(copy.dir);
    const got = errs.map((e) => [e.file?.replace(/.*\//, ''), e.path, e.message]);
    expect(got).toContainEqual(['hardware.yaml', 'roles.exit.model', expect.stringMatching(/no model "NE5000E" under models/)]);
    expect(got).toContainEqual(['hardware.yaml', 'models.AR6280.cards[2]', expect.stringMatching(/a second card in slot 0 subcard 0 \(also cards\[0\]\)/)]);
  });
});
