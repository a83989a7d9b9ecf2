import type { Pool, PoolClient } from '../pool';

/**
 * Every time the console shows a person a customer's personal data (contact details, the text of
 * a reply or of a message nobody could match), one row here says who, when and whose.
 */
export type PersonalDataUse = 'task_contact' | 'unmatched_message' | 'customer_consent';

export interface AccessRecord {
  username: string;
  what: PersonalDataUse;
  customerId?: string | null;
  requestId?: string | null;
  inboxId?: number | null;
}

export async function logPersonalDataAccess(db: Pool | PoolClient, records: readonly AccessRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO personal_data_access_log (username, what, customer_id, request_id, inbox_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::bigint[])`,
    [
      records.map((r) => r.username),
      records.map((r) => r.what),
      records.map((r) => r.customerId ?? null),
      records.map((r) => r.requestId ?? null),
      records.map((r) => r.inboxId ?? null),
    ],
  );
}

export interface AccessLogRow {
  username: string;
  what: PersonalDataUse;
  customerId: string | null;
  requestId: string | null;
  inboxId: number | null;
  accessedAt: Date;
}

export async function accessLogFor(db: Pool, filter: { customerId?: string; username?: string; limit?: number }): Promise<AccessLogRow[]> {
  const { rows } = await db.query(
    `SELECT username, what, customer_id, request_id, inbox_id, accessed_at FROM personal_data_access_log
      WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR username = $2)
      ORDER BY accessed_at DESC, id DESC LIMIT $3`,
    [filter.customerId ?? null, filter.username ?? null, filter.limit ?? 100],
  );
  return rows.map((r) => ({ username: r.username, what: r.what, customerId: r.customer_id, requestId: r.request_id, inboxId: r.inbox_id === null ? null : Number(r.inbox_id), accessedAt: r.accessed_at }));
}
