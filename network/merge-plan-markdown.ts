/**
 * The merge plan as a person reads it (Markdown) and as tools read it (stable JSON). Small phases
 * list every address change; large ones (townships) list one row per site and leave the address
 * detail to the JSON.
 */
import { stableJson } from '../lib/stable-json.js';
import { DIALECT_IDS } from './render/index.js';
import type { MergePlan, MergeStep } from './merge-plan.js';
import type { MergeProgress } from './merge-status.js';

/** Phases with at most this many steps get per-address tables. */
const DETAIL_LIMIT = 60;

const NETWORK_NAMES: Record<string, string> = { guowang: '国网', shengwang: '省网' };

export function renderMergePlanJson(plan: MergePlan, progress?: MergeProgress): string {
  return stableJson(progress ? { ...plan, progress } : plan);
}

export function renderMergePlanMarkdown(plan: MergePlan, progress?: MergeProgress): string {
  const out: string[] = [];
  out.push(`# 两网整合 merge plan: ${plan.province.name} (${plan.province.id})`, '');
  out.push(
    `The two legacy extranets (国网 and 省网) become one dual-stack network built on ${NETWORK_NAMES[plan.target]}. ` +
      'Phases run in order; a site moves only with or after its parent. Line counts are configuration lines ' +
      `that change per dialect (${DIALECT_IDS.join(', ')}).`,
    '',
  );
  if (progress) {
    out.push(
      `**Indicator 1 (merge progress):** ${progress.sitesMerged} of ${progress.sitesTotal} sites merged (${pct(progress.share)}); ` +
        `of the ${progress.legacySitesTotal} sites on a legacy network today, ${progress.legacySitesMerged} (${pct(progress.legacyShare)}).`,
      '',
    );
  }
  const lineHeads = DIALECT_IDS.map((d) => `${d} lines`);
  out.push(row(['#', 'phase', 'sites', 'links', 'addresses', 'devices', ...lineHeads, ...(progress ? ['merged'] : [])]));
  out.push(row(Array(6 + lineHeads.length + (progress ? 1 : 0)).fill('---')));
  for (const p of plan.phases) {
    const pr = progress?.phases.find((x) => x.id === p.id);
    out.push(
      row([
        String(p.index),
        `${p.id}: ${p.title}`,
        n(p.totals.sites),
        n(p.totals.links),
        n(p.totals.addresses),
        n(p.totals.devices),
        ...DIALECT_IDS.map((d) => n(p.totals.lines[d])),
        ...(pr ? [`${pr.sitesMerged}/${pr.sitesTotal}${pr.done ? ' ✓' : ''}`] : []),
      ]),
    );
  }
  out.push(
    row([
      '',
      'total',
      n(plan.totals.sites),
      n(plan.totals.links),
      n(plan.totals.addresses),
      n(plan.totals.devices),
      ...DIALECT_IDS.map((d) => n(plan.totals.lines[d])),
      ...(progress ? [`${progress.sitesMerged}/${progress.sitesTotal}`] : []),
    ]),
  );
  out.push('');
  for (const p of plan.phases) {
    out.push(`## Phase ${p.index}: ${p.id} (${p.title})`, '');
    if (!p.steps.length) {
      out.push('Nothing to move in this phase.', '');
      continue;
    }
    out.push(row(['site', 'level', 'parent', 'today', 'action', 'retires', 'links', 'devices (lines)']));
    out.push(row(Array(8).fill('---')));
    for (const s of p.steps)
      out.push(
        row([
          `${s.site} ${s.name === s.site ? '' : s.name}`.trim(),
          s.level,
          s.parent ?? '',
          legacy(s.legacy),
          s.action,
          legacy(s.retires),
          String(s.links.length),
          deviceList(s),
        ]),
      );
    out.push('');
    if (p.steps.length > DETAIL_LIMIT) {
      out.push(`Address changes of these ${p.steps.length} sites: see merge-plan.json.`, '');
      continue;
    }
    for (const s of p.steps) {
      out.push(`### ${s.site}: addresses`, '');
      out.push(row(['what', 'owner', 'IPv4 legacy', 'IPv4 new', 'IPv6 legacy', 'IPv6 new']));
      out.push(row(Array(6).fill('---')));
      for (const a of s.addresses) out.push(row([a.what, a.owner, a.ipv4.from ?? '-', a.ipv4.to, a.ipv6.from ?? '-', a.ipv6.to]));
      out.push('');
    }
  }
  return out.join('\n');
}

function deviceList(s: MergeStep): string {
  return s.devices.map((d) => `${d.device} ${d.change === 'new' ? 'new' : 'chg'} (${DIALECT_IDS.map((id) => d.lines[id]).join('/')})`).join(', ');
}

const legacy = (nets: readonly string[]) => (nets.length ? nets.map((x) => NETWORK_NAMES[x] ?? x).join('+') : '-');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const n = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const row = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
