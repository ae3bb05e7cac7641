/**
 * The config-level verifier (issue 10): it reads what would run on the routers — FRR or VRP
 * configs, rendered in memory or as they sit on disk — computes the control plane from them and the
 * physical wiring, and asks its questions of the resulting forwarding, both families:
 *
 *   load.ts       files → parsed configs tied to the topology's devices (dialect parsers beside the renderers)
 *   adjacency.ts  wiring + configs → one family's network: up interfaces, adjacencies (or why not), stubs, statics
 *   spf.ts        per-destination OSPF routes: intra-area SPF, inter-area through ABRs, per-area reuse in failures
 *   forwarding.ts a device's decision: connected, static, OSPF, externals with their origination conditions
 *   walk.ts       hop-by-hop forwarding from every device, ECMP branches, loops and blackholes
 *   questions.ts  reachability, every single failure, area 0, ABRs
 *   service-questions.ts  townships → published service VIPs, intact and under every single failure
 *   ribs.ts       DeviceRib per device per family (the differential check against FRR compares these)
 *   gateway.ts    VRRP on the LANs two routers serve: agreement, and who serves the gateway in a failure
 *   trace.ts      one flow's path, Batfish-traceroute style
 *   findings.ts   finding ids, titles, report checks;  sarif.ts  SARIF with file:line regions
 *
 * Pure: text in, data out; reading a synth output folder is the CLI's job (cli/commands/verify.ts).
 */
import { FAMILIES, type Family, type Topology } from '../../types.js';
import { DIALECTS, DIALECT_IDS, type DialectId } from '../../render/index.js';
import { summarize, type VerificationReport } from '../report.js';
import { buildFamilyNet, type FamilyNet, type LoadedConfig, type PhysicalState } from './adjacency.js';
import { findingsToChecks, type ConfigFinding } from './findings.js';
import { Forwarding } from './forwarding.js';
import { loadConfigs, type RenderedConfigFile } from './load.js';
import { answerFamily } from './questions.js';
import { answerServices } from './service-questions.js';
import { exitGuardFindings } from './exit-filter.js';
import { lanGateways, type LanGateway } from './gateway.js';
import type { DeviceRib } from './rib.js';
import { ribsOf } from './ribs.js';
import { ControlPlane } from './spf.js';
import { resolveTarget, traceFlow, type Trace } from './trace.js';

export type { RenderedConfigFile } from './load.js';
export { renderedConfigs, loadConfigs } from './load.js';
export type { DeviceRib } from './rib.js';
export { renderTrace, type Trace } from './trace.js';
export { renderVerificationSarif } from './sarif.js';
export type { LanGateway } from './gateway.js';

/** Who serves each dual-router LAN's gateway, per family, normally and in each failure (from the configs). */
export function gatewaysOf(topology: Topology, files: RenderedConfigFile[], families: readonly Family[] = FAMILIES): LanGateway[] {
  return lanGateways(topology, loadConfigs(topology, files).configs, families).gateways;
}

export type { PhysicalState } from './adjacency.js';

export interface DeviceRibOptions {
  /** Which interfaces have carrier where the configs run (a lab's wiring and faults); default: all. */
  physical?: PhysicalState;
  /** Only these devices' RIBs (the control plane is still the whole network's); default: every device. */
  devices?: readonly string[];
}

export interface ConfigVerifyOptions {
  families?: readonly Family[];
  /** Ask the single-failure questions (default true). */
  failures?: boolean;
  /** Only these failure scenarios (by name: `link:…`, `device:…`, `upstream:…`). */
  scenarioFilter?: (name: string) => boolean;
  /** How the failure scenarios are computed (questions.ts): incremental (default) or straight, the reference. */
  failureMethod?: 'incremental' | 'straight';
  /** Prefix of the report's check ids (default `config.`; `config.vrp.` when several dialects are verified). */
  checkPrefix?: string;
  /** Called with the parsed configs before they are dropped, for a caller that reads more of them (synth's policies): no second parse. */
  onLoaded?: (configs: readonly LoadedConfig[]) => void;
}

export interface ConfigVerification {
  findings: ConfigFinding[];
  report: VerificationReport;
  /** Failure scenarios evaluated, per family. */
  scenarios: Partial<Record<Family, number>>;
  /** Milliseconds per phase, for the bench. */
  timings: { parseMs: number; controlPlaneMs: number; questionsMs: number };
}

/** The RIB of every device per family, computed from the configs and the topology's wiring. */
export function computeDeviceRibs(topology: Topology, files: RenderedConfigFile[], opts: DeviceRibOptions = {}): DeviceRib[] {
  const { configs } = loadConfigs(topology, files);
  const out: DeviceRib[] = [];
  const only = opts.devices ? new Set(opts.devices) : undefined;
  for (const family of FAMILIES) out.push(...ribsOf(new Forwarding(new ControlPlane(buildFamilyNet(topology, configs, family, opts))), only));
  return out;
}

export function verifyConfigs(topology: Topology, files: RenderedConfigFile[], opts: ConfigVerifyOptions = {}): ConfigVerification {
  const families = opts.families ?? FAMILIES;
  const t0 = performance.now();
  const { configs, findings } = loadConfigs(topology, files);
  opts.onLoaded?.(configs);
  const t1 = performance.now();
  const nets: FamilyNet[] = families.map((f) => buildFamilyNet(topology, configs, f));
  const t2 = performance.now();
  const scenarios: Partial<Record<Family, number>> = {};
  for (const net of nets) {
    findings.push(...net.findings);
    const answers = answerFamily(topology, net, { failures: opts.failures, scenarioFilter: opts.scenarioFilter, method: opts.failureMethod });
    findings.push(...answers.findings);
    scenarios[net.family] = answers.scenarios;
    findings.push(...answerServices(topology, net, { failures: opts.failures, scenarioFilter: opts.scenarioFilter, method: opts.failureMethod }).findings);
  }
  findings.push(...exitGuardFindings(topology, configs));
  findings.push(...lanGateways(topology, configs, families).findings);
  const t3 = performance.now();
  const checks = findingsToChecks(findings, families, opts.checkPrefix, opts.failures !== false);
  const report = summarize('configs', checks, { sites: topology.sites.length, devices: configs.length, links: topology.links.length });
  return { findings, report, scenarios, timings: { parseMs: t1 - t0, controlPlaneMs: t2 - t1, questionsMs: t3 - t2 } };
}

/** One flow's path from a device towards a device's loopback, an address or `internet`. */
export function traceConfigs(topology: Topology, files: RenderedConfigFile[], from: string, to: string, family: Family): Trace {
  const { configs } = loadConfigs(topology, files);
  const net = buildFamilyNet(topology, configs, family);
  const fw = new Forwarding(new ControlPlane(net));
  const target = resolveTarget(topology, to, family);
  return traceFlow(net, fw, from, to, target.address, target.upstream);
}

/**
 * The config-level checks of synthesized files as they are about to be written: `files` maps paths
 * under the backbone stack (`configs/<dialect>/<hostname>.<ext>`) to their text; every dialect
 * present is verified (without the single-failure questions, as `stacks verify` by default).
 */
export function verifySynthesizedConfigs(
  topology: Topology,
  files: ReadonlyMap<string, string>,
  opts: { onLoaded?: (dialect: DialectId, configs: readonly LoadedConfig[]) => void } = {},
): VerificationReport[] {
  const byDialect = new Map<DialectId, RenderedConfigFile[]>();
  for (const [path, text] of files) {
    const m = /^configs\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m || !(DIALECT_IDS as readonly string[]).includes(m[1]!)) continue;
    const dialect = m[1] as DialectId;
    const ext = `.${DIALECTS[dialect].fileExtension}`;
    const device = m[2]!.endsWith(ext) ? m[2]!.slice(0, -ext.length) : m[2]!;
    (byDialect.get(dialect) ?? byDialect.set(dialect, []).get(dialect)!).push({ device, dialect, path, text });
  }
  return [...byDialect].map(
    ([dialect, list]) =>
      verifyConfigs(topology, list, {
        failures: false,
        checkPrefix: byDialect.size > 1 ? `config.${dialect}.` : 'config.',
        ...(opts.onLoaded ? { onLoaded: (configs: readonly LoadedConfig[]) => opts.onLoaded!(dialect, configs) } : {}),
      }).report,
  );
}

/** The model checks (the fast first pass) and the config-level reports as one report. */
export function combineReports(model: VerificationReport, configs: VerificationReport[]): VerificationReport {
  const checks = [...model.checks, ...configs.flatMap((r) => r.checks)];
  const s = model.summary;
  return summarize(configs.length ? `${s.target}+configs` : s.target, checks, { devices: s.devices, links: s.links, sites: s.sites });
}
