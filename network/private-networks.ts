/**
 * Private-network clean-up (专网整合): every department private network gets its target — the
 * e-government extranet when non-classified, the intranet when classified (涉密), never the
 * extranet — plus status counts and Table 1 indicator 2 (省以下部门专网整合率).
 *
 * Indicator 2 is "the share of sub-provincial department private networks merged into the
 * extranet". The plan's project text (专网整合工程) asks non-classified networks to move "迁移整合
 * 或融合互联" — by migration or by interconnection — so a network counts as integrated when its
 * status is `merged` or `interconnected`; `migrating` and `separate` do not. The merged-only share
 * is reported beside it. Only non-classified networks that reach below the province level count
 * (classified ones go to the intranet and are outside the indicator; province-only networks are not
 * 省以下). Pure: the inventory's private-network list in, the assessment out.
 */
import type { PrivateNetworksFile } from '../inventory/schema.js';

type PrivateNetworkTarget = 'extranet' | 'intranet';
type PrivateNetworkStatus = PrivateNetworksFile['private_networks'][number]['status'];
type Declared = PrivateNetworksFile['private_networks'][number];

interface PrivateNetworkPlan {
  id: string;
  name: string;
  department: string;
  classified: boolean;
  reaches: Declared['reaches'];
  status: PrivateNetworkStatus;
  /** Where the rule sends it. */
  target: PrivateNetworkTarget;
  /** The target a person wrote in the inventory, when any. */
  declaredTarget?: PrivateNetworkTarget;
  /** Set when the declared target contradicts the rule (a policy failure, see NET-005/NET-006). */
  contradiction?: string;
  /** Counted in indicator 2 (non-classified, reaches below the province). */
  inIndicator: boolean;
  /** Counts as integrated into the extranet for indicator 2. */
  integrated: boolean;
  /** Index in the inventory file, for error locations. */
  index: number;
}

export interface IntegrationIndicator {
  id: 2;
  name: string;
  /** Non-classified sub-provincial networks. */
  total: number;
  /** Of those, merged or interconnected. */
  integrated: number;
  merged: number;
  /** integrated / total (1 when there is none to integrate). */
  rate: number;
  mergedRate: number;
  counts: string;
}

export interface PrivateNetworkAssessment {
  networks: PrivateNetworkPlan[];
  byStatus: Record<PrivateNetworkStatus, number>;
  byTarget: Record<PrivateNetworkTarget, number>;
  indicator: IntegrationIndicator;
}

/** Statuses that count as integrated for indicator 2 (see the module comment for why both). */
const INTEGRATED_STATUSES: readonly PrivateNetworkStatus[] = ['merged', 'interconnected'];

function targetFor(classified: boolean): PrivateNetworkTarget {
  return classified ? 'intranet' : 'extranet';
}

export function assessPrivateNetworks(file: PrivateNetworksFile): PrivateNetworkAssessment {
  const byStatus: Record<PrivateNetworkStatus, number> = { separate: 0, interconnected: 0, migrating: 0, merged: 0 };
  const byTarget: Record<PrivateNetworkTarget, number> = { extranet: 0, intranet: 0 };
  const networks = file.private_networks.map((pn, index): PrivateNetworkPlan => {
    const target = targetFor(pn.classified);
    const inIndicator = !pn.classified && pn.reaches !== 'province';
    const plan: PrivateNetworkPlan = {
      id: pn.id,
      name: pn.name,
      department: pn.department,
      classified: pn.classified,
      reaches: pn.reaches,
      status: pn.status,
      target,
      inIndicator,
      integrated: inIndicator && INTEGRATED_STATUSES.includes(pn.status),
      index,
    };
    if (pn.target !== undefined) {
      plan.declaredTarget = pn.target;
      if (pn.target !== target) {
        plan.contradiction = pn.classified
          ? `classified network "${pn.id}" is set to the extranet; classified networks go to the e-government intranet, never the extranet`
          : `non-classified network "${pn.id}" is set to the intranet; non-classified networks move onto the e-government extranet`;
      }
    }
    byStatus[pn.status]++;
    byTarget[target]++;
    return plan;
  });
  const counted = networks.filter((n) => n.inIndicator);
  const integrated = counted.filter((n) => n.integrated).length;
  const merged = counted.filter((n) => n.status === 'merged').length;
  const total = counted.length;
  return {
    networks,
    byStatus,
    byTarget,
    indicator: {
      id: 2,
      name: '省以下部门专网整合率 (department private-network integration rate)',
      total,
      integrated,
      merged,
      rate: total ? integrated / total : 1,
      mergedRate: total ? merged / total : 1,
      counts: INTEGRATED_STATUSES.join(' + '),
    },
  };
}
