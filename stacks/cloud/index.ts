/**
 * The cloud and DR contributions to `stacks synth`: one stack per cloud (`cloud-<id>`) and one DR
 * stack per replication pair (`dr-<site>-<centre>`), plus a `clouds` file-only folder with the
 * registry, placement and DR report as reviewed JSON. The model is computed once, when the
 * contributions are made, so bad input fails before synth writes anything.
 */
import type { App } from 'cdktn';
import { dirname, relative } from 'node:path';
import { stableJson } from '../../lib/files.js';
import { indicator7, indicator8 } from '../../cloud/indicators.js';
import type { PlacedSystem } from '../../cloud/types.js';
import type { StackContribution, SynthContext } from '../contribution.js';
import { buildCloudModel, requirePlaced, type CloudModel, type CloudModelOptions } from './model.js';
import { cloudModelOf, type SynthModel } from '../synth.js';
import { cloudStackName, replicationSlots } from './naming.js';
import { terraformBuilders } from '../terraform-builders.js';
import { defaultBackend, type BackendChoice } from './backend-choice.js';

export interface CloudStacksOptions extends CloudModelOptions {
  /** Terraform backend; default: synth's choice (SynthContext.backend), else defaultBackend. */
  backend?: BackendChoice;
}

/** From synth's model, its own cloud model is used (computed once for the checks and the stacks). */
export function cloudStacks(ctx: SynthContext | SynthModel, opts: CloudStacksOptions = {}): StackContribution[] {
  const shared = 'ipam' in ctx && !opts.systems;
  const model = shared ? cloudModelOf(ctx) : buildCloudModel(ctx.inventory, ctx.topology, opts);
  if (model && shared && !opts.allowUnplaced) requirePlaced(model);
  const backend = opts.backend ?? ctx.backend ?? defaultBackend(ctx.inventory.province.terraform);
  return model ? contributionsOf(model, backend, dirname(ctx.inventory.paths.province!)) : [];
}

/**
 * `inventoryDir`: the folder province.yaml is in. registry.json names clouds.yaml relative to it
 * (the loader refuses a file outside it), so the output does not depend on where the inventory lies.
 */
export function contributionsOf(model: CloudModel, backend: BackendChoice, inventoryDir: string): StackContribution[] {
  const { registry, placement, dr } = model;
  const placedBy = new Map<string, PlacedSystem[]>();
  for (const p of placement.placed) {
    const list = placedBy.get(p.cloud);
    if (list) list.push(p);
    else placedBy.set(p.cloud, [p]);
  }
  const dnsEmail = `hostmaster@${registry.dnsSuffix}`;
  const slots = replicationSlots(registry, dr.pairs);
  const out: StackContribution[] = [
    {
      name: 'clouds',
      files: () =>
        new Map([
          ['registry.json', stableJson({ ...registry, file: relative(inventoryDir, registry.file) })],
          ['placement.json', stableJson({ origin: model.source.origin, sample: model.source.sample, ...placement })],
          ['dr.json', stableJson(dr)],
          ['indicators.json', stableJson([indicator7(registry), indicator8(registry, model.systems, placement)])],
        ]),
    },
  ];
  for (const cloud of registry.clouds) {
    out.push({
      name: cloudStackName(cloud),
      build: (app: App) => void terraformBuilders().buildCloudStack(app, cloud, placedBy.get(cloud.id) ?? [], backend, dnsEmail),
    });
  }
  for (const pair of dr.pairs) {
    out.push({ name: pair.id, build: (app: App) => void terraformBuilders().buildDrStack(app, registry, pair, slots, backend) });
  }
  return out;
}
