import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../pool';

/**
 * The people who sign in to the console, and their sessions. A session is a random token in a
 * signed cookie; only its SHA-256 is stored, with the CSRF token its forms carry. A session ends
 * at logout, after `idleMs` without a request, or at its absolute expiry, whichever comes first.
 */
export interface Operator {
  username: string;
  displayName: string;
  disabled: boolean;
  createdAt: Date;
}

export interface OperatorSession {
  username: string;
  displayName: string;
  csrfToken: string;
  expiresAt: Date;
}

const toOperator = (r: Record<string, unknown>): Operator => ({
  username: r.username as string,
  displayName: r.display_name as string,
  disabled: r.disabled_at !== null,
  createdAt: r.created_at as Date,
});

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

export type AddOperatorResult = { outcome: 'created'; operator: Operator } | { outcome: 'exists' };

export async function addOperator(pool: Pool, input: { username: string; displayName: string; passwordHash: string }): Promise<AddOperatorResult> {
  const { rows } = await pool.query(
    `INSERT INTO operators (username, display_name, password_hash) VALUES ($1, $2, $3)
     ON CONFLICT (username) DO NOTHING RETURNING username, display_name, disabled_at, created_at`,
    [input.username, input.displayName, input.passwordHash],
  );
  return rows[0] ? { outcome: 'created', operator: toOperator(rows[0]) } : { outcome: 'exists' };
}

/** A new password also ends the operator's open sessions. */
export async function setOperatorPassword(pool: Pool, username: string, passwordHash: string): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE operators SET password_hash = $2, updated_at = now() WHERE username = $1`, [username, passwordHash]);
  await pool.query(`UPDATE operator_sessions SET ended_at = now() WHERE username = $1 AND ended_at IS NULL`, [username]);
  return rowCount === 1;
}

/** Disabling (or enabling) an operator; disabling ends their sessions at once. */
export async function setOperatorDisabled(pool: Pool, username: string, disabled: boolean): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE operators SET disabled_at = CASE WHEN $2 THEN COALESCE(disabled_at, now()) END, updated_at = now() WHERE username = $1`,
    [username, disabled],
  );
  if (disabled) await pool.query(`UPDATE operator_sessions SET ended_at = now() WHERE username = $1 AND ended_at IS NULL`, [username]);
  return rowCount === 1;
}

export async function listOperators(pool: Pool): Promise<Operator[]> {
  const { rows } = await pool.query(`SELECT username, display_name, disabled_at, created_at FROM operators ORDER BY username`);
  return rows.map(toOperator);
}

/** What login needs: the stored hash of an enabled operator. */
export async function operatorCredentials(pool: Pool, username: string): Promise<{ username: string; passwordHash: string } | undefined> {
  const { rows } = await pool.query(`SELECT username, password_hash FROM operators WHERE username = $1 AND disabled_at IS NULL`, [username]);
  return rows[0] && { username: rows[0].username, passwordHash: rows[0].password_hash };
}

export async function openSession(pool: Pool, username: string, lifetimeMs: number): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const { rows } = await pool.query(
    `INSERT INTO operator_sessions (token_hash, username, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [sha256(token), username, csrfToken, lifetimeMs / 1000],
  );
  return { token, csrfToken, expiresAt: rows[0].expires_at };
}

/**
 * The live session a token opens, touching it (the idle clock starts again), or undefined when it
 * ended, expired, idled out, or its operator was disabled.
 */
export async function resumeSession(pool: Pool, token: string, idleMs: number): Promise<OperatorSession | undefined> {
  const { rows } = await pool.query(
    `UPDATE operator_sessions s SET last_seen_at = now()
       FROM operators o
      WHERE s.token_hash = $1 AND o.username = s.username AND o.disabled_at IS NULL AND s.ended_at IS NULL
        AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2)
      RETURNING s.username, o.display_name, s.csrf_token, s.expires_at`,
    [sha256(token), idleMs / 1000],
  );
  const r = rows[0];
  return r && { username: r.username, displayName: r.display_name, csrfToken: r.csrf_token, expiresAt: r.expires_at };
}

export async function endSession(pool: Pool, token: string): Promise<void> {
  await pool.query(`UPDATE operator_sessions SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL`, [sha256(token)]);
}
