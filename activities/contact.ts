import { whatsappSessionOpen } from '../db/queries/whatsapp';
import { msUntilContactAllowed } from '../domain/contactHours';
import type { ContactOptions } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { unknownRecord } from './errors';
import { loadRequestContext } from './requestContext';

/** Which channels may reach the customer (data on file, minus opt-outs), and when. */
export function createContactActivities({ pool, clock, settings }: ActivityDeps) {
  async function contactOptions({ requestId }: { requestId: string }): Promise<ContactOptions> {
    const ctx = await loadRequestContext(pool, requestId);
    return {
      voice: Boolean(ctx.mobile) && !ctx.optedOut.has('voice'),
      sms: Boolean(ctx.mobile) && !ctx.optedOut.has('sms'),
      email: Boolean(ctx.email) && !ctx.optedOut.has('email'),
      whatsapp: await whatsappUsable(ctx),
      preferred: ctx.preferredChannel ?? undefined,
    };
  }

  /**
   * WhatsApp needs the customer's opt-in, their number, the centre's WhatsApp sender, and a way to
   * start: an approved survey template, or the 24-hour session their last message opened.
   */
  async function whatsappUsable(ctx: Awaited<ReturnType<typeof loadRequestContext>>): Promise<boolean> {
    if (!ctx.mobile || !ctx.optIns.has('whatsapp') || !ctx.centre.whatsappSender) return false;
    return Boolean(settings.whatsappTemplates?.survey) || (await whatsappSessionOpen(pool, ctx.customerId, clock()));
  }

  /** Milliseconds until the customer's allowed contact hours open (0 when they are open now). */
  async function contactHoursWait({ requestId }: { requestId: string }): Promise<number> {
    const ctx = await loadRequestContext(pool, requestId);
    return msUntilContactAllowed(clock(), ctx.timeZone, settings.contactHours.start, settings.contactHours.end);
  }

  /**
   * The settle time the request's product field asks for (milliseconds), or null when the field
   * uses the configured default.
   */
  async function surveySettleTime({ requestId }: { requestId: string }): Promise<number | null> {
    const { rows } = await pool.query(
      `SELECT (extract(epoch FROM pf.survey_settle_time) * 1000)::bigint AS ms
         FROM service_requests r JOIN product_fields pf ON pf.code = r.product_field WHERE r.id = $1`,
      [requestId],
    );
    if (!rows[0]) throw unknownRecord(`service request ${requestId} is not registered`);
    return rows[0].ms === null ? null : Number(rows[0].ms);
  }

  return { contactOptions, contactHoursWait, surveySettleTime };
}
