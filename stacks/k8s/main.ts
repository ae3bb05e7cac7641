/**
 * The Pulumi program's entry (Pulumi.yaml beside it points here, compiled): the province's
 * containerised systems from the default or $STACKS_INVENTORY inventory, placed as `stacks synth`
 * places them, rendered by `k8sProgram`. Run with `pulumi up` where the Pulumi CLI is installed.
 */
import { loadInventory, DEFAULT_INVENTORY_DIR } from '../../inventory/load.js';
import { buildTopology } from '../../network/topology.js';
import { buildCloudModel } from '../cloud/model.js';
import { k8sProgram } from './program.js';
import { readFileSync, existsSync } from 'node:fs';
import { applyMigrated, containerWorkloads, type MigratedWorkload } from './workloads.js';
import { inputError } from '../../lib/errors.js';

async function run(inventoryDir: string = process.env.STACKS_INVENTORY ?? DEFAULT_INVENTORY_DIR) {
  const inventory = await loadInventory(inventoryDir);
  const topology = buildTopology(inventory);
  const model = buildCloudModel(inventory, topology);
  if (!model) return { namespaces: [], services: [] };
  const domain = inventory.province.province.dns_suffix;
  if (!domain)
    throw inputError(
      'E_SCHEMA',
      inventory.paths.province!,
      'province.dns_suffix',
      'is missing; the Kubernetes labels and the image registry are named after it',
      'e.g. dns_suffix: gov.sn.cn',
    );
  // the images and config that replatform migrations recorded (stacks migrate: <state>/migrations/k8s-workloads.json)
  const migratedFile = process.env.STACKS_MIGRATED_WORKLOADS;
  const migrated =
    migratedFile && existsSync(migratedFile) ? (JSON.parse(readFileSync(migratedFile, 'utf8')) as { workloads: MigratedWorkload[] }).workloads : [];
  return k8sProgram(applyMigrated(containerWorkloads(model.systems, model.placement, `registry.${domain}`), migrated), {
    extranet: topology.supernets,
    domain,
  });
}

export default run;
