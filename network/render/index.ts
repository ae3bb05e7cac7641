/**
 * Every config dialect renders from the same model through the same shape, so synth, plan, the lab
 * and the merge plan iterate over DIALECTS instead of knowing each one.
 */
import type { Device, Topology } from '../types.js';
import type { LineCounts, RenderOptions } from './common.js';
import { frrLineCounts, renderFrr } from './frr.js';
import { renderVrp, vrpLineCounts } from './vrp.js';
import { vrpInterfaceNames } from './vrp-names.js';

export type { LineCounts, RenderOptions } from './common.js';

export interface Dialect {
  id: string;
  title: string;
  /** Extension of the per-device file synth writes, without the dot. */
  fileExtension: string;
  render(topology: Topology, deviceId: string, opts?: RenderOptions): string;
  /** Configuration lines of the device, and of those the lines each interface accounts for. */
  lineCounts(topology: Topology, deviceId: string, opts?: RenderOptions): LineCounts;
  /** The device's name for a model interface in this dialect (FRR uses the model name as is). */
  interfaceName(device: Device, modelName: string): string;
}

export const DIALECTS = {
  frr: {
    id: 'frr',
    title: 'FRRouting 8.4 (frr.conf)',
    fileExtension: 'conf',
    render: renderFrr,
    lineCounts: frrLineCounts,
    interfaceName: (_device: Device, name: string) => name,
  },
  vrp: {
    id: 'vrp',
    title: 'Huawei VRP',
    fileExtension: 'cfg',
    render: renderVrp,
    lineCounts: vrpLineCounts,
    interfaceName: (device: Device, name: string) => vrpInterfaceNames(device).get(name) ?? name,
  },
} as const satisfies Record<string, Dialect>;

export type DialectId = keyof typeof DIALECTS;
export const DIALECT_IDS = Object.keys(DIALECTS) as DialectId[];
