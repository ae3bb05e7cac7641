/**
 * An explicit target list (YAML or JSON), for devices outside a lab deployment and for cloud
 * platform endpoints:
 *   devices:   [{ device, address, port?, version?: v3|v2c, site?, city?, level?,
 *                 interfaces?: { <ifName>: { link, tier, bandwidthMbps } } }]
 *   platforms: [{ id, kind: http|tcp, url, timeoutMs? }]
 * Credentials never live here: they come from the secrets file or the environment.
 */
import { z } from 'zod';
import { readDocument } from '../lib/files.js';
import { validateDocument } from '../inventory/load.js';
import type { PlatformTarget, PollTarget, SnmpCredentials } from './types.js';

const binding = z.object({ link: z.string().min(1), tier: z.string().min(1), bandwidthMbps: z.number().positive() });
const targetFileSchema = z.object({
  devices: z
    .array(
      z.object({
        device: z.string().min(1),
        address: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(161),
        version: z.enum(['v3', 'v2c']).optional(),
        site: z.string().optional(),
        city: z.string().optional(),
        level: z.string().optional(),
        interfaces: z.record(z.string(), binding).optional(),
      }),
    )
    .default([]),
  platforms: z
    .array(z.object({ id: z.string().min(1), kind: z.enum(['http', 'tcp']), url: z.string().min(1), timeoutMs: z.number().int().positive().optional() }))
    .default([]),
});
export type TargetFile = z.infer<typeof targetFileSchema>;

export async function readTargetFile(file: string): Promise<TargetFile> {
  return validateDocument(targetFileSchema, await readDocument(file), file);
}

export function targetsFromFile(
  doc: TargetFile,
  credentialsFor: (version: 'v3' | 'v2c') => SnmpCredentials,
  defaultVersion: 'v3' | 'v2c',
): { devices: PollTarget[]; platforms: PlatformTarget[] } {
  const devices = doc.devices.map(
    (d): PollTarget => ({
      device: d.device,
      address: d.address,
      port: d.port,
      credentials: credentialsFor(d.version ?? defaultVersion),
      ...(d.site ? { placement: { site: d.site, city: d.city ?? d.site, level: d.level ?? 'unknown' } } : {}),
      ...(d.interfaces ? { interfaces: d.interfaces } : {}),
    }),
  );
  return { devices, platforms: doc.platforms };
}
