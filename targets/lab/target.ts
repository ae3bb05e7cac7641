/**
 * The lab as a deploy target: network namespaces on this host, one FRR + sshd + snmpd per device.
 * The runtime it drives lives in lab/; this file is the target's whole face to the rest.
 */
import { readFile } from 'node:fs/promises';
import type { ApplyOptions, ApplyResult, DeviceDrift, Target, TargetContext } from '../types.js';
import { deployLab, openLab, type DeployResult } from '../../lab/deploy.js';
import { planLab, renderLabPlan } from '../../lab/plan.js';
import { destroyLab } from '../../lab/destroy.js';
import { labStatus, renderLabStatus } from '../../lab/status.js';
import { readLabTargets } from '../../lab/targets.js';
import { readState } from '../../lab/state.js';
import { labPaths } from '../../lab/names.js';
import { labRenderer, loadLabModel } from '../../lab/model.js';
import { labPollerCredentials } from '../../lab/host/management.js';
import type { SnmpCredentials } from '../../monitors/types.js';
import { redactSecretValues, SecretStore, withKnownSecrets } from '../../lib/secret-refs.js';
import { readKeyring } from '../../lib/ospf-keyring-file.js';
import { runtimeOf } from '../../lab/up.js';
import { DeviceSession } from '../../lab/ssh.js';
import { labDriver } from '../../lab/driver.js';
import { mapLimit } from '../../lib/map-limit.js';
import { DEFAULT_PLATFORM } from '../../drivers/registry.js';
import { runtimeError } from '../../lib/errors.js';
import { verifyLab } from '../../lab/verify.js';
import { verifyLabRibs } from '../../lab/rib-compare.js';

export function renderDeployResult(r: DeployResult): string {
  const lines = [];
  for (const o of r.outcomes)
    if (o.action !== 'unchanged')
      lines.push(`  ${o.device}: ${o.action}${o.commit && o.action === 'changed' ? ` (${o.commit})` : ''}${o.reason ? ` — ${o.reason}` : ''}`);
  lines.push(
    `lab ${r.lab}: ${r.devices} devices — ${r.changed} changed, ${r.unchanged} unchanged, ${r.rolledBack} rolled back, ${r.failed} failed${r.interrupted ? ' (INTERRUPTED: deploy again to finish)' : ''} in ${r.seconds.toFixed(1)} s`,
  );
  for (const [i, st] of (r.stages ?? []).entries())
    lines.push(`stage ${i + 1}: ${st.devices.length} devices ${st.ok ? 'passed' : `FAILED — ${st.reason}`} (${st.seconds.toFixed(1)} s)`);
  if (r.phases.length > 1) lines.push(`time by phase: ${r.phases.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ')}`);
  if (r.convergence)
    lines.push(
      r.convergence.converged
        ? `converged: every loopback answers over IPv4 and IPv6 (${r.convergence.seconds.toFixed(1)} s)`
        : `NOT converged: ${r.convergence.failing.length} device→loopback pairs fail, e.g. ${r.convergence.failing.slice(0, 5).join('; ')}`,
    );
  return lines.join('\n');
}

const base = (ctx: TargetContext) => ({ stateDir: ctx.stateDir, inventoryDir: ctx.inventoryDir, lab: ctx.instance, scope: ctx.scope });
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

export const target: Target = {
  name: 'lab',

  async plan(ctx) {
    const p = await planLab(base(ctx));
    return { target: 'lab', instance: p.lab, deployed: p.deployed, devices: p.devices, summary: p.summary, text: renderLabPlan(p, ctx.verbose ?? false) };
  },

  async apply(ctx, opts: ApplyOptions): Promise<ApplyResult> {
    const t = opts.targetOptions ?? {};
    const r = await deployLab({
      ...base(ctx),
      parallel: opts.parallel,
      confirmSeconds: opts.confirmSeconds,
      checkTimeoutMs: opts.checkTimeoutMs,
      refresh: opts.refresh,
      signal: opts.signal,
      onEvent: opts.onEvent,
      atomic: opts.atomic,
      canary: opts.canary,
      stageBy: opts.stageBy,
      rateScale: num(t.rateScale),
      v2c: typeof t.v2c === 'boolean' ? t.v2c : undefined,
      trapSinkPort: num(t.trapSinkPort),
    });
    const ok = r.rolledBack + r.failed === 0 && !r.interrupted && (r.convergence?.converged ?? true);
    return { ...r, target: 'lab', instance: r.lab, text: renderDeployResult(r), ok };
  },

  async destroy(ctx) {
    const r = await destroyLab({ stateDir: ctx.stateDir, lab: ctx.instance });
    return {
      target: 'lab',
      instance: r.lab,
      seconds: r.seconds,
      text: `lab ${r.lab} destroyed: ${r.namespaces} namespaces, ${r.processes} processes, ${r.interfaces} host interfaces removed in ${r.seconds.toFixed(1)} s`,
      detail: r,
    };
  },

  async verify(ctx) {
    // ping and traceroute from every township; with --compare each device's RIB against FRR's own
    const opts = { stateDir: ctx.stateDir, inventoryDir: ctx.inventory.dir, lab: ctx.instance };
    return ctx.compare ? verifyLabRibs(opts) : verifyLab(opts);
  },

  async status(ctx) {
    const s = await labStatus(base(ctx));
    return { target: 'lab', instance: s.lab, deployed: s.deployed, healthy: s.healthy, text: renderLabStatus(s), detail: s };
  },

  async snmpTargets(ctx) {
    const t = await readLabTargets(ctx.stateDir, ctx.instance);
    const paths = labPaths(ctx.stateDir, ctx.instance);
    const state = t && (await readState(paths.state));
    if (!t || !state) return undefined;
    // Each device is polled as its rendered agent config says (lab/host/management.ts), not with a lab-only user.
    const scoped = await loadLabModel(state.inventory, state.scope);
    const store = SecretStore.forState(ctx.stateDir);
    const credentials = new Map<string, SnmpCredentials>();
    for (const x of t.targets) {
      const device = scoped.devices.find((d) => d.id === x.device);
      if (!device || !state.devices[x.device]) continue;
      const rt = runtimeOf(state, paths, scoped, x.device);
      const c = labPollerCredentials(scoped.topology, device, rt, rt.paths, store);
      if (c) credentials.set(x.device, c);
    }
    // Each device traps to the host's end of its own management link (the only address its
    // namespace reaches), at the port deploy was given: one sink per device.
    const trapPort = state.trapSinkPort;
    return {
      targets: t.targets.map((x) => ({ device: x.device, hostname: x.hostname, site: x.site, address: x.address, port: x.port })),
      credentials,
      secretsFile: t.secretsFile,
      inventoryDir: state.inventory,
      ...(trapPort ? { trapSinks: [...new Set(t.targets.map((x) => x.hostAddress))].map((address) => ({ address, port: trapPort })) } : {}),
    };
  },

  async drift(ctx): Promise<DeviceDrift[]> {
    const { paths, state, scoped } = await openLab(base(ctx));
    if (!state) throw runtimeError('E_LAB_NOT_DEPLOYED', `lab ${ctx.instance} is not deployed`, 'run `stacks deploy --target lab` first');
    const privateKey = await readFile(paths.deployKey);
    const deployed = scoped.devices.filter((d) => state.devices[d.id]?.phase === 'confirmed');
    const render = labRenderer(readKeyring(ctx.stateDir));
    const secrets = SecretStore.forState(ctx.stateDir);
    return mapLimit(deployed, 8, async (d): Promise<DeviceDrift> => {
      const rt = runtimeOf(state, paths, scoped, d.id);
      let session: DeviceSession | undefined;
      try {
        session = await DeviceSession.connect({ device: d.id, host: rt.mgmtAddress, privateKey, pinnedHostKey: state.devices[d.id]!.hostKey });
        const intended = withKnownSecrets(render(scoped.topology, d.id), secrets);
        const commands = (await labDriver(session).compareRunning(intended)).map((c) => redactSecretValues(c, secrets.allValues()));
        return { device: d.id, platform: DEFAULT_PLATFORM, commands };
      } catch (err) {
        return { device: d.id, platform: DEFAULT_PLATFORM, commands: [], error: (err as Error).message };
      } finally {
        session?.close();
      }
    });
  },
};
