import type { Pool } from '../pool';

/** A customer found by their mobile number, with the centre that serves them (for SMS answers). */
export interface SmsSender {
  customerId: string;
  language: 'ko' | 'en';
  centreId: string;
  /** We asked them for an email address (KR claims 16-17) and have none yet. */
  emailRequested: boolean;
  centre: string;
  replyPhone: string;
}

export async function customerByMobile(pool: Pool, mobileE164: string): Promise<SmsSender | undefined> {
  const { rows } = await pool.query(
    `SELECT c.id, c.language, c.email_requested, sc.id AS centre_id, sc.name AS centre, sc.reply_phone
       FROM customers c JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id
      WHERE c.mobile = $1`,
    [mobileE164],
  );
  const r = rows[0];
  return r && { customerId: r.id, language: r.language, centreId: r.centre_id, emailRequested: r.email_requested, centre: r.centre, replyPhone: r.reply_phone };
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

/** Whether we are asking this customer for an email address (none on file; see email_requested). */
export async function emailWanted(pool: Pool, customerId: string): Promise<boolean> {
  const { rows } = await pool.query('SELECT email_requested AND email IS NULL AS wanted FROM customers WHERE id = $1', [customerId]);
  return rows[0]?.wanted === true;
}

/**
 * An address the customer gave on one of our pages: stored only when none is on file, so a
 * forwarded link can add an address but never change the one we have. Used from then on.
 */
export async function storeGivenEmail(pool: Pool, customerId: string, email: string): Promise<'stored' | 'already_on_file'> {
  const { rowCount } = await pool.query(
    `UPDATE customers SET email = $2, email_requested = false, updated_at = now() WHERE id = $1 AND email IS NULL`,
    [customerId, email],
  );
  return rowCount ? 'stored' : 'already_on_file';
}
