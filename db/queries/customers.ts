import type { Pool } from '../pool';

/** A customer found by their mobile number, with the centre that serves them (for SMS answers). */
export interface SmsSender {
  customerId: string;
  language: 'ko' | 'en';
  /** We asked them for an email address (KR claims 16-17) and have none yet. */
  emailRequested: boolean;
  centre: string;
  replyPhone: string;
  /**
   * The request an SMS from them answers: the one of their latest survey SMS, an open request before
   * a closed one; null when no survey SMS went to them. A send still pending counts: it was
   * interrupted after the provider may have taken it, and the workflow waits for a reply all the same.
   */
  surveyRequestId: string | null;
}

export async function customerByMobile(pool: Pool, mobileE164: string): Promise<SmsSender | undefined> {
  // One round trip for the sender and the request their SMS answers (an SMS webhook answers fast).
  const { rows } = await pool.query(
    `SELECT c.id, c.language, c.email_requested, sc.name AS centre, sc.reply_phone, survey.request_id
       FROM customers c JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id
       LEFT JOIN LATERAL (
         SELECT r.id AS request_id FROM outbox o JOIN service_requests r ON r.id = o.request_id
          WHERE r.customer_id = c.id AND o.channel = 'sms' AND o.purpose = 'survey' AND o.status IN ('sent', 'pending')
          ORDER BY (r.status <> 'closed') DESC, o.created_at DESC LIMIT 1) survey ON true
      WHERE c.mobile = $1`,
    [mobileE164],
  );
  const r = rows[0];
  return r && { customerId: r.id, language: r.language, emailRequested: r.email_requested, centre: r.centre, replyPhone: r.reply_phone, surveyRequestId: r.request_id ?? null };
}

/** Stores the email address a customer sent when we asked for one; the request for it is settled. */
export async function storeRequestedEmail(pool: Pool, customerId: string, email: string): Promise<void> {
  await pool.query(`UPDATE customers SET email = $2, email_requested = false, updated_at = now() WHERE id = $1`, [customerId, email]);
}

/** The customer and language of an access token's customer, with their centre (for pages). */
export async function customerWithCentre(pool: Pool, customerId: string): Promise<{ language: string; centre: string; replyPhone: string } | undefined> {
  const { rows } = await pool.query(
    `SELECT c.language, sc.name AS centre, sc.reply_phone FROM customers c
       JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id WHERE c.id = $1`,
    [customerId],
  );
  const r = rows[0];
  return r && { language: r.language, centre: r.centre, replyPhone: r.reply_phone };
}
