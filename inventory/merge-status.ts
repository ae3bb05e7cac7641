/**
 * Reading the merge status file of an inventory (I/O at the edge; the schema and the pure progress
 * functions stay in network/merge-status.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDocument } from '../lib/files.js';
import { validateDocument } from './load.js';
import { MERGE_STATUS_FILE, NOTHING_DONE, mergeStatusSchema, type MergeStatus } from '../network/merge-status.js';

/** The status file of an inventory folder, or "nothing done" when there is none. */
export async function readMergeStatus(inventoryDir: string): Promise<{ status: MergeStatus; file?: string }> {
  const file = join(inventoryDir, MERGE_STATUS_FILE);
  if (!existsSync(file)) return { status: NOTHING_DONE };
  return { status: validateDocument(mergeStatusSchema, await readDocument(file), file), file };
}
