import { createHash, randomBytes } from 'node:crypto';
import { inTransaction, type Pool } from '../pool';
import { acceptInbound } from './inbox';

export type TokenPurpose = 'survey' | 'choice' | 'email-reply' | 'unsubscribe' | 'request-page' | 'reschedule' | 'cancel';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Issues an unguessable link token (128 random bits). Only its hash is stored, so a database leak
 * does not open anyone's survey. The same purpose for the same request reuses nothing: each call
 * makes a new token, and callers derive it once per outbox message.
 */
export async function issueToken(
  pool: Pool,
  purpose: TokenPurpose,
  requestId: string,
  customerId: string,
  expiresAt: Date,
): Promise<string> {
  const token = randomBytes(16).toString('base64url');
  await pool.query(
    `INSERT INTO access_tokens (token_hash, purpose, request_id, customer_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [hashToken(token), purpose, requestId, customerId, expiresAt],
  );
  return token;
}

export interface TokenRecord {
  purpose: TokenPurpose;
  requestId: string;
  customerId: string;
  expiresAt: Date;
  usedAt: Date | null;
}

export async function findToken(pool: Pool, token: string, purpose: TokenPurpose): Promise<TokenRecord | undefined> {
  const { rows } = await pool.query(
    `SELECT purpose, request_id, customer_id, expires_at, used_at FROM access_tokens WHERE token_hash = $1 AND purpose = $2`,
    [hashToken(token), purpose],
  );
  const r = rows[0];
  return r && { purpose: r.purpose, requestId: r.request_id, customerId: r.customer_id, expiresAt: r.expires_at, usedAt: r.used_at };
}

/**
 * The web form's answer, stored in the inbox in the same transaction that uses up its single-use
 * token: whoever sets used_at first owns the token; a double submit or a race finds it taken
 * (undefined).
 */
export async function recordFormAnswer(pool: Pool, token: string, requestId: string, payload: Record<string, unknown>): Promise<number | undefined> {
  return inTransaction(pool, async (db) => {
    const used = await db.query(
      `UPDATE access_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = 'survey' AND used_at IS NULL AND expires_at > now() RETURNING request_id`,
      [hashToken(token)],
    );
    if (used.rowCount === 0) return undefined;
    const accepted = await acceptInbound(db, { source: 'web-form', eventId: hashToken(token), requestId, kind: 'survey-reply', payload });
    return accepted.id;
  });
}

/** Spends a single-use token of this purpose, once: false when it was used, expired or never issued. */
export async function spendToken(pool: Pool, token: string, purpose: TokenPurpose, now: Date): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE access_tokens SET used_at = $3 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
    [hashToken(token), purpose, now],
  );
  return rowCount === 1;
}
