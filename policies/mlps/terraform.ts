/**
 * Facts from synthesized Terraform JSON (cdk.tf.json per stack): security group rules, volumes,
 * IPsec/IKE proposals. Pure: parsed JSON in, facts out.
 */
export interface TerraformStackDoc {
  stack: string;
  path: string;
  json: unknown;
}

export interface TfResource {
  stack: string;
  type: string;
  name: string;
  attrs: Record<string, unknown>;
}

export function resourcesOf(docs: readonly TerraformStackDoc[], type: string): TfResource[] {
  const out: TfResource[] = [];
  for (const d of docs) {
    const byType = ((d.json as { resource?: Record<string, Record<string, Record<string, unknown>>> } | null)?.resource ?? {})[type] ?? {};
    for (const [name, attrs] of Object.entries(byType)) out.push({ stack: d.stack, type, name, attrs });
  }
  return out;
}

const ANY = new Set(['0.0.0.0/0', '::/0']);

/** Why an ingress rule is wider than least privilege, or undefined when it is not. */
export function overlyOpenIngress(r: TfResource): string | undefined {
  const a = r.attrs;
  if (a.direction !== 'ingress') return undefined;
  const prefix = typeof a.remote_ip_prefix === 'string' ? a.remote_ip_prefix : undefined;
  const fromAnywhere = prefix ? ANY.has(prefix) : a.remote_group_id === undefined;
  const allPorts =
    a.protocol === undefined ||
    a.protocol === 'any' ||
    ((a.protocol === 'tcp' || a.protocol === 'udp') && (a.port_range_min === undefined || (a.port_range_min === 1 && a.port_range_max === 65535)));
  if (fromAnywhere && allPorts) return `admits every port from ${prefix ?? 'anywhere (no remote prefix or group)'}`;
  if (fromAnywhere)
    return `admits ${String(a.protocol)}${a.port_range_min !== undefined ? ` ${String(a.port_range_min)}-${String(a.port_range_max)}` : ''} from ${prefix ?? 'anywhere (no remote prefix or group)'}`;
  if (allPorts && prefix) {
    const len = Number(prefix.split('/')[1]);
    if (prefix.includes(':') ? len < 48 : len < 16) return `admits every port from the wide prefix ${prefix}`;
  }
  return undefined;
}

/** Volume types that name encryption (a Cinder type with an encryption spec, by convention `*encrypted*`/`*luks*`/`*sm4*`). */
export function volumeEncrypted(r: TfResource): boolean {
  const t = r.attrs.volume_type;
  return typeof t === 'string' && /encrypt|luks|sm4/i.test(t);
}
