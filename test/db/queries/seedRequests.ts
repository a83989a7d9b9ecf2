import { randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '../../../db/pool';
import type { seedNetwork } from '../../support/fixtures';

/**
 * Customers, finished requests, the surveys sent for them and the answers they got, written
 * straight into the tables the workflow fills, so the queries can be checked against exact figures.
 */
type Network = Awaited<ReturnType<typeof seedNetwork>>;

export async function seedCustomer(pool: Pool, network: Network): Promise<string> {
  const id = `cust-${randomBytes(6).toString('hex')}`;
  await pool.query(
    `INSERT INTO customers (id, name, email, language, time_zone, area_code, sensitivity_class) VALUES ($1, 'Test Customer', 'customer@example.com', 'en', 'Asia/Seoul', $2, 'standard')`,
    [id, network.areaCode],
  );
  return id;
}

/** A request done by `technicianId` (its booking completed); `releasedFrom` had it first and gave it up. */
export async function seedRequest(pool: Pool, network: Network, input: { customerId: string; technicianId?: string; releasedFrom?: string; createdAt?: Date }): Promise<string> {
  const id = randomUUID();
  const createdAt = input.createdAt ?? new Date('2026-11-01T00:00:00Z');
  await pool.query(
    `INSERT INTO service_requests (id, workflow_id, customer_id, product_field, fault_description, area_code, service_centre_id, wanted_during, status, created_at)
     VALUES ($1, $2, $3, $4, 'Not cooling', $5, $6, tstzrange($7, $7::timestamptz + interval '2 hours'), 'completed', $7)`,
    [id, `service-request-${id}`, input.customerId, network.field, network.areaCode, network.centreId, createdAt],
  );
  const book = async (technicianId: string, status: 'completed' | 'released', offsetMinutes: number) => {
    const slot = await pool.query('SELECT id, lower(during) AS start FROM technician_slots WHERE technician_id = $1 ORDER BY lower(during) LIMIT 1', [technicianId]);
    await pool.query(
      `INSERT INTO bookings (request_id, technician_id, slot_id, during, status, created_at)
       VALUES ($1, $2, $3, tstzrange($4, $4::timestamptz + interval '30 minutes'), $5, $6)`,
      [id, technicianId, slot.rows[0].id, slot.rows[0].start, status, new Date(createdAt.getTime() + offsetMinutes * 60_000)],
    );
  };
  if (input.releasedFrom) await book(input.releasedFrom, 'released', 1);
  if (input.technicianId) await book(input.technicianId, 'completed', 2);
  return id;
}

export async function seedSurvey(pool: Pool, requestId: string, channel: 'voice' | 'sms' | 'email', sentAt: Date, status: 'sent' | 'failed' = 'sent') {
  await pool.query(
    `INSERT INTO outbox (idempotency_key, request_id, channel, purpose, recipient, body, mode, status, created_at, sent_at)
     VALUES ($1, $2, $3, $4, 'recipient', '{}', 'sandbox', $5, $6, $7)`,
    [`${requestId}:${channel}:${randomUUID()}`, requestId, channel, channel === 'voice' ? 'survey-call' : 'survey', status, sentAt, status === 'sent' ? sentAt : null],
  );
}

export async function seedReply(
  pool: Pool,
  requestId: string,
  reply: { channel: 'voice' | 'sms' | 'email' | 'web'; category: string; receivedAt: Date; rating?: number; items?: Record<string, number>; late?: boolean },
) {
  const { rows } = await pool.query(
    `INSERT INTO survey_replies (request_id, channel, rating, category, late, received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [requestId, reply.channel, reply.rating ?? null, reply.category, reply.late ?? false, reply.receivedAt],
  );
  // As the reply store does: the single rating is the overall item.
  const items = { ...(reply.rating !== undefined ? { overall: reply.rating } : {}), ...(reply.items ?? {}) };
  for (const [item, rating] of Object.entries(items)) {
    await pool.query('INSERT INTO survey_reply_items (reply_id, item, rating) VALUES ($1, $2, $3)', [rows[0].id, item, rating]);
  }
}
