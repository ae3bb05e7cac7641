/**
 * Where the daemon's targets come from (I/O edge): what a deploy target has deployed (the lab by
 * default; SNMPv3 as each device's rendered agent config states it, the v2c community from the
 * target's secrets file;
 * interfaces bound to links by the topology), an explicit target file, and
 * cloud platform endpoints from the clouds inventory (keystone URLs) when asked.
 */
import { existsSync } from 'node:fs';
import { loadInventory, type Inventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { DEFAULT_TARGET, loadTarget, targetInstance } from '../targets/registry.js';
import { runtimeError } from '../lib/errors.js';
import { credentialsFor, readSnmpSecrets, secretsFromEnv, type SnmpSecrets } from './credentials.js';
import { readTargetFile, targetsFromFile } from './target-file.js';
import { targetsFromTopology } from './targets.js';
import type { PlatformTarget, PollTarget, SnmpCredentials } from './types.js';
import type { TrapSink } from '../targets/types.js';

export interface TargetSelection {
  devices: PollTarget[];
  platforms: PlatformTarget[];
  /**
   * What the trap receiver accepts: every credential polls use, plus the secrets' v2c community
   * when there is one (devices polled over SNMPv3 often still send v2c traps).
   */
  credentials: SnmpCredentials[];
  source: string;
  /** Where the selected devices send traps (a deployed target's; absent for a targets file). */
  trapSinks?: readonly TrapSink[];
}

async function secretsFrom(file: string | undefined): Promise<{ secrets: SnmpSecrets; source: string }> {
  if (file) return { secrets: await readSnmpSecrets(file), source: file };
  return { secrets: secretsFromEnv(), source: 'environment (STACKS_SNMP_*)' };
}

export async function selectTargets(opts: {
  stateDir: string;
  lab?: string;
  targetsFile?: string;
  secretsFile?: string;
  version: 'v3' | 'v2c';
}): Promise<TargetSelection> {
  if (opts.targetsFile) {
    const doc = await readTargetFile(opts.targetsFile);
    const { secrets, source } = await secretsFrom(opts.secretsFile);
    const used = new Map<string, SnmpCredentials>();
    const creds = (v: 'v3' | 'v2c') => {
      const c = used.get(v) ?? credentialsFor(v, secrets, source);
      used.set(v, c);
      return c;
    };
    const t = targetsFromFile(doc, creds, opts.version);
    return { ...t, credentials: withTrapCommunity([...used.values()], secrets), source: opts.targetsFile };
  }
  // the registry's default target: the daemon polls what `stacks deploy` deploys by default
  const name = DEFAULT_TARGET;
  const lab = targetInstance(opts.lab);
  const deployed = await (await loadTarget(name)).snmpTargets({ stateDir: opts.stateDir, inventoryDir: '', instance: lab });
  if (!deployed) {
    throw runtimeError(
      'E_NO_TARGETS',
      `no targets: ${name} "${lab}" is not deployed under ${opts.stateDir} and no --targets file was given`,
      `deploy it (\`stacks deploy --target ${name}\`) or pass --targets FILE`,
    );
  }
  const secretsFile = opts.secretsFile ?? (deployed.secretsFile && existsSync(deployed.secretsFile) ? deployed.secretsFile : undefined);
  const { secrets, source } = await secretsFrom(secretsFile);
  // SNMPv3: each device as its rendered agent config states it (the target resolves the keys), unless
  // a secrets file was named explicitly; v2c: the community of the target's own secrets (--v2c).
  const rendered = opts.version === 'v3' && !opts.secretsFile ? deployed.credentials : undefined;
  const fallback = rendered && deployed.targets.every((t) => rendered.has(t.device)) ? undefined : credentialsFor(opts.version, secrets, source);
  const credentialsOf = (device: string) => rendered?.get(device) ?? fallback!;
  const inv = await loadInventory(deployed.inventoryDir);
  const topology = buildTopology(inv);
  const endpoints = new Map(deployed.targets.map((t) => [t.device, { address: t.address, port: t.port }]));
  const devices = targetsFromTopology(topology, endpoints, credentialsOf);
  const used = [...new Map(devices.map((d) => [JSON.stringify(d.credentials), d.credentials])).values()];
  return {
    devices,
    platforms: [],
    credentials: withTrapCommunity(used.length ? used : fallback ? [fallback] : [], secrets),
    source: `${name} ${lab}`,
    ...(deployed.trapSinks?.length ? { trapSinks: deployed.trapSinks } : {}),
  };
}

function withTrapCommunity(used: SnmpCredentials[], secrets: SnmpSecrets): SnmpCredentials[] {
  if (!secrets.community || used.some((c) => c.version === 'v2c')) return used;
  return [...used, { version: 'v2c', community: secrets.community }];
}

/** Cloud platform probes from clouds.yaml: each managed cloud's keystone endpoint (HTTP). */
export function platformsFromInventory(inv: Inventory): PlatformTarget[] {
  const doc = inv.extra.clouds as { clouds?: Array<{ id?: unknown; keystone?: unknown }> } | undefined;
  return (doc?.clouds ?? [])
    .filter((c): c is { id: string; keystone: string } => typeof c.id === 'string' && typeof c.keystone === 'string')
    .map((c) => ({ id: c.id, kind: 'http' as const, url: c.keystone }));
}
