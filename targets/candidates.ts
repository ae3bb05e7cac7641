/**
 * The configs a target puts on its devices, the same way for every target (the lab, routers over
 * SSH, …): rendered from the model with `{{secret:…}}` references → resolved against the sealed
 * secret store (values generated on first need and sealed before any device sees them) → parsed by
 * the platform's own parser before anything is pushed. One rejected line anywhere stops the deploy
 * before it touches a device, naming device and line — and never quoting a secret value.
 */
import { StacksError } from '../lib/errors.js';
import { checkFrrSyntax, describeFinding } from '../lib/frr-syntax.js';
import { redactSecretValues, resolveForDeploy, SecretStore } from '../lib/secret-refs.js';

export interface RenderedConfig {
  device: string;
  /** Where the text is going, for errors (`<lab>/<device>`, `ssh:<device>`). */
  where: string;
  /** The rendered config, with secret references. */
  text: string;
}

export interface ResolvedConfigs {
  secrets: SecretStore;
  /** Device → the config it is to run, with the values in. */
  resolved: Map<string, string>;
}

/** Resolve every rendered config against the store of `stateDir`; one unresolved reference anywhere resolves nothing. */
export function resolveConfigs(stateDir: string, rendered: readonly RenderedConfig[]): ResolvedConfigs {
  const secrets = SecretStore.forState(stateDir);
  const texts = resolveForDeploy(secrets, rendered);
  return { secrets, resolved: new Map(rendered.map((r, i) => [r.device, texts[i]!])) };
}

export interface Candidate {
  device: string;
  /** Where the candidate is (or would be) on the device, for messages. */
  file: string;
  text: string;
}

/**
 * FRR's parser (`vtysh --dryrun`, lib/frr-syntax.ts, batched) over every candidate: throws (exit 1)
 * naming each rejected line by device and line, with every secret value redacted.
 */
export async function assertCandidatesParse(candidates: readonly Candidate[], secrets?: SecretStore): Promise<{ files: number; seconds: number }> {
  const r = await checkFrrSyntax(candidates.map((c) => ({ device: c.device, path: c.file, text: c.text })));
  if (r.findings.length > 0) {
    const values = secrets?.allValues() ?? [];
    const devices = [...new Set(r.findings.map((f) => f.device))];
    const shown = r.findings.slice(0, 20).map((f) => redactSecretValues(describeFinding(f), values));
    const more = r.findings.length > shown.length ? `\n  … and ${r.findings.length - shown.length} more` : '';
    throw new StacksError({
      code: 'E_FRR_SYNTAX',
      kind: 'policy',
      file: r.findings[0]!.path,
      path: `line ${r.findings[0]!.line}`,
      message: `FRR rejects ${r.findings.length} line(s) of the candidate config of ${devices.join(', ')}; nothing was pushed:\n  ${shown.join('\n  ')}${more}`,
      hint: 'fix the renderer or the inventory; `stacks verify --syntax` checks every rendered config offline',
    });
  }
  return { files: r.files, seconds: r.seconds };
}
