/**
 * Tamper cases shared by the SQLite unit test and the PostgreSQL integration test: each edits the
 * stored chain behind the store's back and names the record `stacks audit verify` must report.
 */
interface RawSql {
  exec(sql: string, ...args: unknown[]): unknown;
}

export interface TamperCase {
  name: string;
  /** Edit a chain of 6 records (seq 1…6). */
  tamper(db: RawSql, ph: (i: number) => string): unknown;
  firstBad: number;
  reason: RegExp;
}

export const TAMPER_CASES: TamperCase[] = [
  {
    name: 'a changed field',
    tamper: (db, p) => db.exec(`UPDATE audit_log SET result = ${p(1)} WHERE seq = 3`, 'ok-but-edited'),
    firstBad: 3,
    reason: /was changed/,
  },
  {
    name: 'a changed object list',
    tamper: (db, p) => db.exec(`UPDATE audit_log SET objects = ${p(1)} WHERE seq = 2`, '["device:other"]'),
    firstBad: 2,
    reason: /was changed/,
  },
  { name: 'a removed record', tamper: (db) => db.exec(`DELETE FROM audit_log WHERE seq = 4`), firstBad: 4, reason: /missing/ },
  { name: 'a removed tail (against the anchor)', tamper: (db) => db.exec(`DELETE FROM audit_log WHERE seq >= 5`), firstBad: 5, reason: /missing/ },
  {
    name: 'an inserted record (renumbered after it)',
    tamper: async (db, p) => {
      for (let s = 6; s >= 3; s--) await db.exec(`UPDATE audit_log SET seq = ${p(1)} WHERE seq = ${p(2)}`, s + 1, s);
      await db.exec(
        `INSERT INTO audit_log SELECT 3, at, user_name, operator, 'forged.step', objects, input_hash, result, detail, prev, key_id, hash, sig FROM audit_log WHERE seq = 2`,
      );
    },
    firstBad: 3,
    reason: /does not follow|was changed/,
  },
  {
    name: 'two records swapped',
    tamper: async (db, p) => {
      await db.exec(`UPDATE audit_log SET seq = 100 WHERE seq = 2`);
      await db.exec(`UPDATE audit_log SET seq = 2 WHERE seq = 3`);
      await db.exec(`UPDATE audit_log SET seq = ${p(1)} WHERE seq = 100`, 3);
    },
    firstBad: 2,
    reason: /was changed|does not follow/,
  },
  {
    name: 'a bad signature on the head',
    tamper: (db, p) => db.exec(`UPDATE audit_log SET sig = ${p(1)} WHERE seq = 6`, '3006020101020101'),
    firstBad: 6,
    reason: /signature/,
  },
];
