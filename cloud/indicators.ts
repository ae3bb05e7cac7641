/**
 * Table 1 indicators the cloud model answers.
 *
 * 7 云平台整合率 (cloud platform integration): the share of the registry's clouds (provincial, city,
 *   industry and DR pools alike) that are registered in the province's multi-cloud manager
 *   (`managed: true` in clouds.yaml). Targets: plan-indicators.json (the only place they are written).
 *
 * 8 部门信息孤岛打通率 (department information islands connected): our definition, from data we hold —
 *   a non-classified system counts as interconnected when it is placed on a managed cloud attached
 *   to the extranet AND every system it depends on is too (its data exchange then runs over the
 *   one network and the one cloud rather than a private line or a copied disk). The rate is
 *   interconnected systems / non-classified systems. Classified systems are out of scope (they
 *   stay on the intranet by rule). Targets: plan-indicators.json.
 */
import type { CloudRegistry, Placement, System } from './types.js';

export interface IndicatorValue {
  id: number;
  name: string;
  value: number;
  numerator: number;
  denominator: number;
  definition: string;
}

export function indicator7(reg: CloudRegistry): IndicatorValue {
  const managed = reg.clouds.filter((c) => c.managed).length;
  return {
    id: 7,
    name: '云平台整合率 (clouds under one management)',
    value: reg.clouds.length ? managed / reg.clouds.length : 0,
    numerator: managed,
    denominator: reg.clouds.length,
    definition: 'clouds registered in the multi-cloud manager / all clouds in the registry',
  };
}

export function indicator8(reg: CloudRegistry, systems: readonly System[], placement: Placement): IndicatorValue {
  const managedClouds = new Set(reg.clouds.filter((c) => c.managed && c.onExtranet).map((c) => c.id));
  const onCloud = new Set(placement.placed.filter((p) => managedClouds.has(p.cloud)).map((p) => p.system));
  let denominator = 0;
  let numerator = 0;
  for (const s of systems) {
    if (s.classified) continue;
    denominator++;
    if (onCloud.has(s.id) && (s.dependsOn ?? []).every((d) => onCloud.has(d))) numerator++;
  }
  return {
    id: 8,
    name: '部门信息孤岛打通率 (department systems interconnected)',
    value: denominator ? numerator / denominator : 0,
    numerator,
    denominator,
    definition: 'non-classified systems on a managed extranet cloud whose dependencies all are too / non-classified systems',
  };
}
