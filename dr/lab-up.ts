/**
 * `stacks dr drill --deploy`: bring the lab up for a drill with the lab's own pieces — scope,
 * wiring, namespaces/veth/tbf (`bringUp`), FRR/sshd/snmpd per device, the same synthesized FRR
 * configs `stacks deploy` pushes — but with each config loaded when its daemons start instead of
 * pushed over SSH with commit-confirm. A drill needs a converged lab, not a rehearsal of the config
 * push, and the push's per-device checks take minutes on a loaded host. The state records the
 * configs as running, so a later `stacks deploy` sees nothing to change; `stacks destroy` removes it.
 */
import { ensurePrivateDir, writePrivateFileInPlace } from '../lib/private-files.js';
import { join } from 'node:path';
import { openLab, renderForDevices, type LabOptions } from '../lab/deploy.js';
import { acquireLock } from '../lab/lock.js';
import { emptyState, StateStore } from '../lab/state.js';
import { preflight } from '../lab/preflight.js';
import { bringUp } from '../lab/up.js';
import { configHash } from '../lab/model.js';
import { DEFAULT_RATE_SCALE } from '../lab/wiring.js';
import { waitConverged, type Convergence } from '../lab/converge.js';
import { runtimeError } from '../lib/errors.js';
import { ensureLabRuntimeDir } from '../lab/runtime-dir.js';

export async function labUpForDrill(opts: LabOptions & { signal?: AbortSignal }): Promise<{ devices: number; convergence: Convergence; seconds: number }> {
  const started = Date.now();
  const { lab, paths, state: previous, scoped } = await openLab(opts);
  await preflight(scoped.devices.length, 0);
  const lock = acquireLock(paths.lock, 'dr drill lab up');
  try {
    const state = previous ?? emptyState(lab, opts.inventoryDir, opts.scope ?? '', DEFAULT_RATE_SCALE, false);
    if (opts.scope !== undefined) state.scope = opts.scope;
    const store = new StateStore(paths.state, state);
    // What `stacks deploy` would push (OSPF keys and other secrets resolved), so a later deploy changes nothing.
    const { resolved: configs, rendered } = renderForDevices(opts, lab, scoped);
    // frr.conf goes to the lab's runtime dir (tmpfs), which must be ready (mounted) before it is written.
    await ensureLabRuntimeDir(lab, paths.root);
    for (const [id, text] of configs) {
      const etc = paths.device(id).etc;
      // 0700 and 0600 from creation: the config holds the resolved OSPF keys (prepareDevice hands both to frr)
      ensurePrivateDir(etc);
      await writePrivateFileInPlace(join(etc, 'frr.conf'), text);
    }
    await bringUp(scoped, store, { lab, stateDir: opts.stateDir, parallel: 4 });
    await store.update((s) => {
      for (const [id, text] of configs) Object.assign(s.devices[id]!, { phase: 'confirmed', config: rendered.get(id)!, configHash: configHash(text) });
    });
    await store.flush();
    const convergence = await waitConverged(scoped, store.state, { timeoutMs: 120_000 });
    if (!convergence.converged) throw runtimeError('E_DR_LAB', `the lab did not converge: ${convergence.failing.slice(0, 5).join('; ')}`);
    return { devices: scoped.devices.length, convergence, seconds: (Date.now() - started) / 1000 };
  } finally {
    lock.release();
  }
}
