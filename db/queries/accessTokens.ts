import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../pool';

export type TokenPurpose = 'survey' | 'choice' | 'email-reply' | 'unsubscribe';

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
