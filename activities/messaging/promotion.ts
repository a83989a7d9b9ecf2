import type { Logger } from 'pino';
import type { Pool } from '../../db/pool';
import { render } from '../../domain/messageTemplates';
import { advertisingVerdict } from '../../domain/promotions/advertisement';
import type { RequestContext } from '../requestContext';

export interface PromotionNotice {
  promotionId: string;
  /** The short description appended to the survey (KR claim 13), in the customer's language. */
  notice: string;
}

/**
 * The promotion running now for the request's centre and product field, if the customer may be
 * sent an advertisement now (marketing consent; night consent between 21:00 and 08:00 in their
 * zone). Otherwise none: the survey goes without it, never later because of it.
 */
export async function promotionFor(deps: { pool: Pool; log: Logger; clock: () => Date }, ctx: RequestContext): Promise<PromotionNotice | undefined> {
  const now = deps.clock();
  const { rows } = await deps.pool.query(
    `SELECT p.id, p.title_en, p.title_ko, p.body_en, p.body_ko FROM promotions p
      WHERE p.starts_at <= $1 AND p.ends_at > $1
        AND (NOT EXISTS (SELECT 1 FROM promotion_centres pc WHERE pc.promotion_id = p.id)
             OR EXISTS (SELECT 1 FROM promotion_centres pc WHERE pc.promotion_id = p.id AND pc.service_centre_id = $2))
        AND (NOT EXISTS (SELECT 1 FROM promotion_product_fields pf WHERE pf.promotion_id = p.id)
             OR EXISTS (SELECT 1 FROM promotion_product_fields pf WHERE pf.promotion_id = p.id AND pf.field_code = $3))
      ORDER BY p.starts_at DESC, p.id LIMIT 1`,
    [now, ctx.centre.id, ctx.productField],
  );
  const p = rows[0];
  if (!p) return undefined;
  const verdict = advertisingVerdict(now, ctx.timeZone, { marketing: ctx.optIns.has('marketing'), marketingAtNight: ctx.optIns.has('marketing_night') });
  if (verdict !== 'allowed') {
    deps.log.info({ requestId: ctx.requestId, promotionId: p.id, verdict }, 'survey goes without the promotion');
    return undefined;
  }
  const vars = ctx.language === 'ko' ? { title: p.title_ko, body: p.body_ko } : { title: p.title_en, body: p.body_en };
  return { promotionId: p.id, notice: render(ctx.language, 'promotionNotice', vars) };
}
