/** The drill's model (inventory → topology → cloud registry → layout in the lab) and `stacks dr up/down`. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from './exec.js';
import { PG_BIN } from './pg-conf.js';
import { loadInventory } from '../inventory/load.js';
import { buildTopology } from '../network/topology.js';
import { loadClouds } from '../cloud/load.js';
import { buildRegistry } from '../cloud/registry.js';
import { openLab } from '../lab/deploy.js';
import { requireRoot } from '../lab/preflight.js';
import { inputError, runtimeError } from '../lib/errors.js';
import type { ScopedTopology } from '../lab/scope.js';
import type { ProtectionClass } from '../cloud/types.js';
import { buildLayout, pickClass, type DrLayout } from './layout.js';
import { requireLabNamespaces } from './lab-centres.js';
import { bringUpService, readService, teardownService, type ServiceRecord } from './service.js';

export interface DrModel {
  lab: string;
  scoped: ScopedTopology;
  cls: ProtectionClass;
  layout: DrLayout;
  /** pg_hba trusts the lab's own address space only: the province supernets and the service address. */
  hba: string[];
}

export async function loadDrModel(opts: {
  stateDir: string;
  inventoryDir: string;
  lab?: string;
  scope?: string;
  classId?: string;
  client?: string;
}): Promise<DrModel> {
  const inventory = await loadInventory(opts.inventoryDir);
  const loaded = loadClouds(inventory);
  if (!loaded) throw inputError('E_DR_CLOUDS', inventory.dir, 'clouds.yaml', 'the inventory declares no clouds and DR classes (clouds.yaml)');
  const topology = buildTopology(inventory);
  const registry = buildRegistry(inventory, topology, loaded);
  const cls = pickClass(registry, opts.classId);
  const { lab, scoped } = await openLab({ stateDir: opts.stateDir, inventoryDir: opts.inventoryDir, lab: opts.lab, scope: opts.scope });
  const layout = buildLayout(registry, scoped, cls, opts.client);
  const s = topology.supernets;
  return { lab, scoped, cls, layout, hba: [s.ipv4, s.ipv6, layout.serviceAddress.ipv4, layout.serviceAddress.ipv6] };
}

/** PostgreSQL 15 from Debian, installed by the project's script when missing. */
export async function ensurePostgres(): Promise<void> {
  if (existsSync(join(PG_BIN, 'postgres'))) return;
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, here.endsWith(join('dist', 'dr')) ? '../..' : '..');
  await exec(undefined, ['bash', join(root, 'scripts', 'ensure-system-packages.sh'), 'postgresql'], { timeoutMs: 600_000 });
  if (!existsSync(join(PG_BIN, 'postgres'))) throw runtimeError('E_DR_POSTGRES', `PostgreSQL 15 is not installed (${PG_BIN})`, 'apt-get install postgresql');
}

export async function serviceUp(opts: { stateDir: string; inventoryDir: string; lab: string; classId?: string; client?: string }): Promise<ServiceRecord> {
  requireRoot();
  await ensurePostgres();
  const m = await loadDrModel(opts);
  await requireLabNamespaces(m.lab, m.layout);
  if (await readService(opts.stateDir, m.lab))
    throw runtimeError('E_DR_BUSY', `a DR sample service already runs in lab "${m.lab}"`, '`stacks dr status` shows it; `stacks dr down` removes it');
  try {
    return await bringUpService(opts.stateDir, m.lab, m.layout, m.hba);
  } catch (err) {
    const rec = await readService(opts.stateDir, m.lab);
    if (rec) await teardownService(opts.stateDir, rec);
    throw err;
  }
}

export async function serviceDown(stateDir: string, lab: string): Promise<boolean> {
  requireRoot();
  const rec = await readService(stateDir, lab);
  if (!rec) return false;
  await teardownService(stateDir, rec);
  return true;
}
