import type { Pool } from '../pool';

/** WhatsApp's customer service window: free text may answer a customer for 24 hours after they wrote. */
export const WHATSAPP_SESSION_MS = 24 * 3_600_000;

/** The customer wrote to us on WhatsApp: their session runs 24 hours from now. */
export async function recordWhatsappInbound(pool: Pool, customerId: string, at: Date): Promise<void> {
  await pool.query(
    `INSERT INTO whatsapp_sessions (customer_id, last_inbound_at) VALUES ($1, $2)
     ON CONFLICT (customer_id) DO UPDATE SET last_inbound_at = GREATEST(whatsapp_sessions.last_inbound_at, EXCLUDED.last_inbound_at)`,
    [customerId, at],
  );
}

/** Whether free text may go to the customer on WhatsApp now (their last message is under 24 hours old). */
export async function whatsappSessionOpen(pool: Pool, customerId: string, now: Date): Promise<boolean> {
  const { rows } = await pool.query(`SELECT last_inbound_at FROM whatsapp_sessions WHERE customer_id = $1`, [customerId]);
  const last: Date | undefined = rows[0]?.last_inbound_at;
  return last !== undefined && now.getTime() - last.getTime() < WHATSAPP_SESSION_MS;
}
