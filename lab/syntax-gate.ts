/**
 * The deploy's syntax gate: every candidate config a deploy is about to push is parsed by FRR's own
 * vtysh (`--dryrun`, lib/frr-syntax.ts) first. One rejected line anywhere stops the deploy before it
 * touches the lab — nothing realized, nothing pushed — with each bad line named by device and line.
 */
import { join } from 'node:path';
import { StacksError } from '../lib/errors.js';
import { checkFrrSyntax, describeFinding } from '../lib/frr-syntax.js';
import type { LabPaths } from './names.js';

export interface Candidate {
  device: string;
  text: string;
}

export async function assertCandidatesParse(paths: LabPaths, candidates: readonly Candidate[]): Promise<{ files: number; seconds: number }> {
  const inputs = candidates.map((c) => ({ device: c.device, path: join(paths.device(c.device).etc, 'candidate.conf'), text: c.text }));
  const r = await checkFrrSyntax(inputs);
  if (r.findings.length > 0) {
    const devices = [...new Set(r.findings.map((f) => f.device))];
    const shown = r.findings.slice(0, 20).map(describeFinding);
    const more = r.findings.length > shown.length ? `\n  … and ${r.findings.length - shown.length} more` : '';
    throw new StacksError({
      code: 'E_FRR_SYNTAX',
      kind: 'policy',
      file: inputs.find((i) => i.device === r.findings[0]!.device)!.path,
      path: `line ${r.findings[0]!.line}`,
      message: `FRR rejects ${r.findings.length} line(s) of the candidate config of ${devices.join(', ')}; nothing was pushed:\n  ${shown.join('\n  ')}${more}`,
      hint: 'fix the renderer or the inventory; `stacks verify --syntax` checks every rendered config offline',
    });
  }
  return { files: r.files, seconds: r.seconds };
}
