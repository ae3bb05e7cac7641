/**
 * Bring the lab's host side to the scope: namespaces and links (realize.ts), then the daemons of
 * every device. Idempotent; returns the runtime view of each device.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScopedTopology } from './scope.js';
import { labPaths, deviceNs, mgmtAddresses, type LabPaths } from './names.js';
import { planWiring, allocateSlots } from './wiring.js';
import { realize } from './realize.js';
import { prepareDevice, reloadDaemons, retireStateDirFiles, startDevice, type DeviceRuntime } from './daemons.js';
import { ensureLabRuntimeDir } from './runtime-dir.js';
import { labShadows } from './shadow.js';
import { ensureKeyPair, ensureSecrets } from './secrets.js';
import { mapLimit } from '../lib/map-limit.js';
import type { LabState, StateStore } from './state.js';
import { heldDownInterfaces } from './faults.js';
import { applyExitGuards } from './host/exit-guard.js';
import { qosFingerprint } from './host/qos.js';
import { labHostManagement } from './host/management.js';
import { SecretStore } from '../lib/secret-refs.js';
import { ensurePrivateDir } from '../lib/private-files.js';

export interface UpOptions {
  lab: string;
  stateDir: string;
  parallel: number;
  /** Told when the daemons start (after namespaces and links), for the deploy's phase timings. */
  onPhase?: (phase: string) => void;
}

export function runtimeOf(state: LabState, paths: LabPaths, scoped: ScopedTopology, device: string): DeviceRuntime {
  const d = scoped.devices.find((x) => x.id === device)!;
  const slot = state.slots[device]!;
  const m = mgmtAddresses(state.lab, slot);
  return {
    device,
    hostname: d.hostname,
    site: d.site,
    ns: deviceNs(state.lab, device),
    paths: paths.device(device),
    mgmtAddress: m.device,
    hostAddress: m.host,
  };
}

export async function bringUp(scoped: ScopedTopology, store: StateStore, opts: UpOptions): Promise<{ runtimes: DeviceRuntime[]; privateKey: Buffer }> {
  const state = store.state;
  const paths = labPaths(opts.stateDir, opts.lab);
  const slots = allocateSlots(
    state.slots,
    scoped.devices.map((d) => d.id),
  );
  if (Object.entries(slots).some(([d, slot]) => state.slots[d] !== slot)) await store.update((s) => (s.slots = { ...s.slots, ...slots }));
  const wiring = planWiring(scoped, { lab: opts.lab, rateScale: state.rateScale, slots });
  // Re-shape every link when the rate scale or the QoS class table changed since the last shaping.
  const qos = qosFingerprint(scoped.topology.qos ?? []);
  const reshape = state.shapedScale !== state.rateScale || state.shapedQos !== qos;
  await realize(wiring, { heldDown: heldDownInterfaces(scoped, state), parallel: opts.parallel, reshape });
  if (reshape)
    await store.update((s) => {
      s.shapedScale = s.rateScale;
      s.shapedQos = qos;
    });
  await applyExitGuards(scoped, opts.lab, store);

  opts.onPhase?.('start daemons');
  // New ones are 0700 from creation (the deploy lock makes them); a lab an older version left 0755 is tightened.
  for (const dir of [paths.root, paths.devices]) ensurePrivateDir(dir);
  // What the daemons read in clear goes to the lab's runtime dir (tmpfs), never the state dir.
  await ensureLabRuntimeDir(opts.lab, paths.root);
  const secrets = await ensureSecrets(paths.secrets, state.v2c);
  const deployKey = await ensureKeyPair(paths.deployKey, `stacks lab ${opts.lab} deploy key`);
  const runtimes = scoped.devices.map((d) => runtimeOf(state, paths, scoped, d.id));
  // A device without its runtime files (the host rebooted and the tmpfs went; or an older version
  // kept them in the state dir: retired here) boots on its hostname alone: it is pushed again as a
  // fresh device, whatever the state says it ran.
  const lost = new Set<string>();
  for (const rt of runtimes) if ((await retireStateDirFiles(rt)) || !existsSync(join(rt.paths.etc, 'frr.conf'))) lost.add(rt.device);
  const reset = [...lost].filter((id) => state.devices[id] && state.devices[id].phase !== 'realized');
  if (reset.length)
    await store.update((s) => {
      for (const id of reset) {
        Object.assign(s.devices[id]!, { phase: 'realized', config: undefined, configHash: undefined, pending: undefined });
      }
    });
  // The rendered management plane of each device, its references resolved from the sealed store.
  const secretStore = SecretStore.forState(opts.stateDir);
  const management = new Map(
    scoped.devices.map((d, i) => [d.id, labHostManagement(scoped.topology, d, runtimes[i]!, runtimes[i]!.paths, secretStore)] as const),
  );
  const shadows = await labShadows(
    runtimes.map((rt) => management.get(rt.device)?.users ?? []),
    runtimes.map((rt) => ({ shadow: rt.paths.shadow, fingerprint: rt.paths.shadowFingerprint })),
    Buffer.from(secrets.shadowKey, 'base64'),
  );
  const hostPasswd = await readFile('/etc/passwd', 'utf8');
  await mapLimit(runtimes, opts.parallel, async (rt, i) => {
    const { hostKey, reload } = await prepareDevice(rt, {
      deployPublicKey: deployKey,
      secrets,
      trapSinkPort: state.trapSinkPort,
      management: management.get(rt.device),
      shadow: shadows[i]!,
      hostPasswd,
    });
    // what runs matches what is rendered: a running sshd or snmpd whose config changed re-reads it
    await reloadDaemons(rt, reload);
    await startDevice(rt);
    const prev = state.devices[rt.device];
    const next = {
      ...(prev ?? { phase: 'realized' as const }),
      ns: rt.ns,
      site: rt.site,
      hostname: rt.hostname,
      mgmt: { slot: state.slots[rt.device]!, host: rt.hostAddress, device: rt.mgmtAddress },
      // Pinned once: a key generated later (or swapped on disk) no longer matches the state.
      hostKey: prev?.hostKey ?? hostKey,
    };
    // The state is written only when the record changes: each write serialises every device's config.
    if (JSON.stringify(prev) !== JSON.stringify(next)) await store.update((s) => (s.devices[rt.device] = next));
  });
  return { runtimes, privateKey: await readFile(paths.deployKey) };
}
