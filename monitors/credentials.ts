/**
 * SNMP credentials from a secrets file (the lab's generated secrets.json has this shape) or the
 * environment. They are passed to net-snmp and nowhere else: never logged, never in metrics.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { inputError } from '../lib/errors.js';
import { readSecretDocument } from '../lib/sealed-file.js';
import type { SnmpCredentials } from './types.js';

const secretsSchema = z.object({
  snmp: z.object({
    user: z.string().min(1).optional(),
    authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha'),
    authKey: z.string().min(8).optional(),
    privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).default('aes'),
    privKey: z.string().min(8).optional(),
    community: z.string().min(1).optional(),
  }),
});

export type SnmpSecrets = z.infer<typeof secretsSchema>['snmp'];

/** Env names, for the systemd unit's EnvironmentFile and for CI. */
const CREDENTIAL_ENV = {
  user: 'STACKS_SNMP_USER',
  authKey: 'STACKS_SNMP_AUTH_KEY',
  privKey: 'STACKS_SNMP_PRIV_KEY',
  authProtocol: 'STACKS_SNMP_AUTH_PROTOCOL',
  privProtocol: 'STACKS_SNMP_PRIV_PROTOCOL',
  community: 'STACKS_SNMP_COMMUNITY',
} as const;

export async function readSnmpSecrets(file: string): Promise<SnmpSecrets> {
  let doc: unknown;
  if (file.endsWith('.json')) {
    // The lab's secrets.json is sealed (SM4); a plain JSON file is still accepted.
    doc = readSecretDocument(file).value;
  } else {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw inputError('E_SECRETS', file, '(root)', `cannot read the secrets file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    try {
      doc = parseYaml(text);
    } catch (err) {
      // The parser's message quotes the offending line, which may be a key: say where only.
      const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      throw inputError('E_SECRETS', file, line ? `line ${line}` : '(root)', 'is not valid YAML (the parser message is withheld: it would quote the secrets)');
    }
  }
  const r = secretsSchema.safeParse(doc);
  // The zod message can echo values: report the path only, never the content.
  if (!r.success)
    throw inputError(
      'E_SECRETS',
      file,
      r.error.issues[0]?.path.join('.') ?? '(root)',
      'is not a valid SNMP secrets file (expected snmp.user/authKey/privKey or snmp.community)',
    );
  return r.data.snmp;
}

export function secretsFromEnv(env: NodeJS.ProcessEnv = process.env): SnmpSecrets {
  const authProtocol = (env[CREDENTIAL_ENV.authProtocol] ?? 'sha') as SnmpSecrets['authProtocol'];
  const privProtocol = (env[CREDENTIAL_ENV.privProtocol] ?? 'aes') as SnmpSecrets['privProtocol'];
  return {
    user: env[CREDENTIAL_ENV.user],
    authKey: env[CREDENTIAL_ENV.authKey],
    privKey: env[CREDENTIAL_ENV.privKey],
    authProtocol,
    privProtocol,
    community: env[CREDENTIAL_ENV.community],
  };
}

/** Pick v3 authPriv (default) or v2c from what the secrets hold; say exactly what is missing. */
export function credentialsFor(version: 'v3' | 'v2c', s: SnmpSecrets, source: string): SnmpCredentials {
  if (version === 'v2c') {
    if (!s.community)
      throw inputError('E_CREDENTIALS', source, 'snmp.community', 'SNMP v2c needs a community', `set it in the secrets file or ${CREDENTIAL_ENV.community}`);
    return { version: 'v2c', community: s.community };
  }
  const missing = (['user', 'authKey', 'privKey'] as const).filter((k) => !s[k]);
  if (missing.length) {
    throw inputError(
      'E_CREDENTIALS',
      source,
      `snmp.${missing[0]}`,
      `SNMPv3 authPriv needs ${missing.join(', ')}`,
      `set them in the secrets file or ${missing.map((k) => CREDENTIAL_ENV[k]).join(', ')}`,
    );
  }
  return { version: 'v3', user: s.user!, authProtocol: s.authProtocol, authKey: s.authKey!, privProtocol: s.privProtocol, privKey: s.privKey! };
}
