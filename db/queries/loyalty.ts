import { inTransaction, type Pool } from '../pool';

/**
 * The customer's side of the loyalty ledger (KR claim 8): balance, history and redemption.
 * Grants are written by the workflow; a redemption is a negative row keyed by its reference.
 */
export interface LedgerEntry {
  id: number;
  kind: 'survey_reply_grant' | 'redemption';
  points: number;
  reference: string;
  requestId: string | null;
  createdAt: Date;
}

export type RedeemOutcome =
  | { outcome: 'redeemed'; entry: LedgerEntry; balance: number }
  /** The same reference again: the first redemption stands and nothing changes. */
  | { outcome: 'already_redeemed'; entry: LedgerEntry; balance: number }
  | { outcome: 'insufficient_balance'; balance: number; requested: number }
  /** The reference was used by another customer or for another amount. */
  | { outcome: 'reference_conflict' }
  | { outcome: 'unknown_customer' };

const ENTRY_COLUMNS = 'id, kind, points, reference, request_id, created_at, customer_id';

const toEntry = (r: Record<string, unknown>): LedgerEntry => ({
  id: Number(r.id),
  kind: r.kind as LedgerEntry['kind'],
  points: r.points as number,
  reference: r.reference as string,
  requestId: r.request_id as string | null,
  createdAt: r.created_at as Date,
});

export async function customerExists(db: Pick<Pool, 'query'>, customerId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  return rowCount === 1;
}

export async function pointsBalance(db: Pick<Pool, 'query'>, customerId: string): Promise<number> {
  const { rows } = await db.query('SELECT COALESCE(sum(points), 0)::int AS balance FROM loyalty_ledger WHERE customer_id = $1', [customerId]);
  return rows[0].balance;
}

export async function pointsHistory(pool: Pool, customerId: string): Promise<LedgerEntry[]> {
  const { rows } = await pool.query(`SELECT ${ENTRY_COLUMNS} FROM loyalty_ledger WHERE customer_id = $1 ORDER BY created_at, id`, [customerId]);
  return rows.map(toEntry);
}

/**
 * Spends points. The customer's row is locked for the whole check-and-insert, so two redemptions
 * for one customer run one after the other and the second sees the first: the balance can never
 * go below zero. Grants need no lock because they only ever add.
 */
export async function redeemPoints(pool: Pool, input: { customerId: string; points: number; reference: string }): Promise<RedeemOutcome> {
  if (!Number.isInteger(input.points) || input.points <= 0) throw new RangeError('points must be a positive whole number');
  return inTransaction(pool, async (db) => {
    // NO KEY UPDATE conflicts with itself but not with the key-share lock a grant's foreign key
    // takes, so redemptions queue behind each other while grants never wait.
    const locked = await db.query('SELECT id FROM customers WHERE id = $1 FOR NO KEY UPDATE', [input.customerId]);
    if (locked.rowCount !== 1) return { outcome: 'unknown_customer' };

    const earlier = await findRedemption(db, input.reference);
    if (earlier) return settleRepeat(db, earlier, input);

    const balance = await pointsBalance(db, input.customerId);
    if (balance < input.points) return { outcome: 'insufficient_balance', balance, requested: input.points };

    // Another customer's redemption may take the reference between our look-up and this insert.
    const inserted = await db.query(
      `INSERT INTO loyalty_ledger (customer_id, kind, points, reference) VALUES ($1, 'redemption', $2, $3)
       ON CONFLICT (kind, reference) DO NOTHING RETURNING ${ENTRY_COLUMNS}`,
      [input.customerId, -input.points, input.reference],
    );
    if (inserted.rows[0]) return { outcome: 'redeemed', entry: toEntry(inserted.rows[0]), balance: balance - input.points };
    const winner = await findRedemption(db, input.reference);
    return settleRepeat(db, winner!, input);
  });
}

async function findRedemption(db: Pick<Pool, 'query'>, reference: string) {
  const { rows } = await db.query(`SELECT ${ENTRY_COLUMNS} FROM loyalty_ledger WHERE kind = 'redemption' AND reference = $1`, [reference]);
  return rows[0] as Record<string, unknown> | undefined;
}

async function settleRepeat(db: Pick<Pool, 'query'>, row: Record<string, unknown>, input: { customerId: string; points: number }): Promise<RedeemOutcome> {
  const entry = toEntry(row);
  if (row.customer_id !== input.customerId || entry.points !== -input.points) {
    return { outcome: 'reference_conflict' };
  }
  return { outcome: 'already_redeemed', entry, balance: await pointsBalance(db, input.customerId) };
}
