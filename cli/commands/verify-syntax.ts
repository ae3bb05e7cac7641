/**
 * `stacks verify --syntax`: every FRR config synth would write, parsed by FRR's own vtysh
 * (`--dryrun`, offline; see lib/frr-syntax.ts). A rejected line is a failure naming the device,
 * the file as synth writes it and the line; exit 1.
 */
import type { Topology } from '../../network/types.js';
import { DIALECTS } from '../../network/render/index.js';
import { summarize, type VerificationReport } from '../../network/verify/report.js';
import { checkFrrSyntax, describeFinding, type SyntaxInput } from '../../lib/frr-syntax.js';

/** The FRR files of a topology as synth lays them out (stacks/backbone.ts). */
export function renderedFrrFiles(topology: Topology): SyntaxInput[] {
  const frr = DIALECTS.frr;
  return topology.devices.map((d) => ({ device: d.id, path: `configs/frr/${d.hostname}.${frr.fileExtension}`, text: frr.render(topology, d.id) }));
}

export async function verifySyntax(topology: Topology, files: SyntaxInput[] = renderedFrrFiles(topology)): Promise<VerificationReport> {
  const r = await checkFrrSyntax(files);
  const failures = r.findings.map((f) => ({ object: `device:${f.device}`, message: describeFinding(f) }));
  const rejected = new Set(r.findings.map((f) => f.device)).size;
  return summarize(
    'frr-syntax',
    [
      {
        id: 'config.frr.syntax',
        title: 'FRR 8.4 parses every rendered config (vtysh --dryrun)',
        passed: failures.length === 0,
        failures,
        details: { files: r.files, rejected, processes: r.processes, seconds: r.seconds },
        notes: [`${r.files - rejected}/${r.files} files accepted by vtysh in ${r.seconds.toFixed(1)} s (${r.processes} vtysh runs)`],
      },
    ],
    { devices: topology.devices.length, links: topology.links.length, sites: topology.sites.length },
  );
}
