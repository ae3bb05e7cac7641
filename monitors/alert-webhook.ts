/**
 * Alertmanager's webhook, received by the daemon: the payload checked field by field (a malformed
 * one is refused naming the field, nothing recorded), and each alert mapped to the objects whose
 * faults it speaks for, so the daemon can link it to them in the fault journal. Pure.
 */
import { z } from 'zod';
import { formatPath } from '../inventory/load.js';

const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).optional(),
  startsAt: z.string().min(1),
  endsAt: z.string().optional(),
  fingerprint: z.string().optional(),
});

/** Alertmanager webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
const webhookSchema = z.object({
  version: z.literal('4'),
  receiver: z.string().min(1),
  status: z.enum(['firing', 'resolved']),
  groupKey: z.string().optional(),
  alerts: z.array(alertSchema).max(10_000),
});
export type WebhookPayload = z.infer<typeof webhookSchema>;

export type ParsedWebhook = { ok: true; payload: WebhookPayload } | { ok: false; field: string; message: string };

export function parseWebhook(body: string): ParsedWebhook {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return { ok: false, field: '(body)', message: `not JSON: ${(err as Error).message}` };
  }
  const r = webhookSchema.safeParse(doc);
  if (r.success) return { ok: true, payload: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, field: formatPath(issue.path) || '(root)', message: issue.message };
}

/**
 * The fault objects an alert speaks for: its fault id when it carries one, else its device, link or
 * platform; a site alert speaks for every device of the site (`devicesOfSite`).
 */
export function alertObjects(
  labels: Readonly<Record<string, string>>,
  devicesOfSite: (site: string) => readonly string[],
): { faultId?: number; objects: string[] } {
  if (labels.fault_id && /^\d+$/.test(labels.fault_id)) return { faultId: Number(labels.fault_id), objects: [] };
  if (labels.link) return { objects: [`link:${labels.link}`] };
  if (labels.device) return { objects: [`device:${labels.device}`] };
  if (labels.platform) return { objects: [`platform:${labels.platform}`] };
  if (labels.site) return { objects: devicesOfSite(labels.site).map((d) => `device:${d}`) };
  return { objects: [] };
}
