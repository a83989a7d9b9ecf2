import { randomInt } from 'node:crypto';
import type { Pool } from '../pool';

/** How a reply code looks: six digits, so it can be typed in an SMS and keyed on a phone. */
export const REPLY_CODE = /^[0-9]{6}$/;
const ATTEMPTS = 8;

/**
 * The request's reply code, given it the first time a survey message needs it. Unique among open
 * requests (the database decides a collision: another random code is tried). Idempotent: a retry
 * of the send gets the same code.
 */
export async function ensureReplyCode(pool: Pool, requestId: string): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      const { rows } = await pool.query<{ reply_code: string | null }>(
        `UPDATE service_requests SET reply_code = COALESCE(reply_code, $2) WHERE id = $1 RETURNING reply_code`,
        [requestId, String(randomInt(100_000, 1_000_000))],
      );
      if (!rows[0]?.reply_code) throw new Error(`service request ${requestId} is not registered`);
      return rows[0].reply_code;
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
    }
  }
  throw new Error(`no free reply code for request ${requestId} after ${ATTEMPTS} tries`);
}

/** A request still open, found by the code a caller keyed. */
export async function openRequestByReplyCode(pool: Pool, code: string): Promise<string | undefined> {
  if (!REPLY_CODE.test(code)) return undefined;
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM service_requests WHERE reply_code = $1 AND status <> 'closed'`, [code]);
  return rows[0]?.id;
}
