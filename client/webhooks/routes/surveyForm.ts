import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { findToken, recordFormAnswer } from '../../../db/queries/accessTokens';
import { surveyFormContext } from '../../../db/queries/surveyMessages';
import { deliverAfterAnswer } from '../inbox/deliver';
import { messagePage, pageLanguage, text, type PageLanguage } from '../pages/html';
import { MAX_COMMENT, SURVEY_ITEMS, surveyFormPage, type SurveyItem } from '../pages/surveyPage';
import type { WebhookDeps } from '../server';

const grade = z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.coerce.number().int().min(1).max(5).optional());
const answerSchema = z.object({
  kindness: grade,
  punctuality: grade,
  fixed: grade,
  overall: grade,
  comment: z.string().optional().default(''),
});

interface SurveyContext {
  language: PageLanguage;
  centre: string;
  product: string;
  /** The request is closed: the answer is kept as a late reply. */
  closed: boolean;
}

/**
 * The web survey form behind a single-use token that expires with the reply window. The answer
 * is stored in the inbox in the same transaction that uses up the token; the customer is thanked
 * then, and the answer signalled after the page is sent (the relay passes on what Temporal did not take).
 */
export const surveyFormRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool } = deps;

    const surveyContext = (requestId: string): Promise<SurveyContext> => surveyFormContext(pool, requestId);

    /** 404 unknown, 409 used, 410 expired, or the token's request. */
    const checkToken = async (token: string, reply: FastifyReply, language: (customer?: string) => PageLanguage) => {
      const record = await findToken(pool, token, 'survey');
      const send = (code: number, title: 'unknownTitle' | 'usedTitle' | 'expiredTitle', message: 'unknown' | 'used' | 'expired', lang: PageLanguage) =>
        reply.code(code).type('text/html; charset=utf-8').send(messagePage(lang, title, text(lang, message)));
      if (!record) return send(404, 'unknownTitle', 'unknown', language());
      const ctx = await surveyContext(record.requestId);
      if (record.usedAt) return send(409, 'usedTitle', 'used', language(ctx.language));
      if (record.expiresAt.getTime() <= Date.now()) return send(410, 'expiredTitle', 'expired', language(ctx.language));
      return { record, ctx };
    };

    app.get<{ Params: { token: string } }>('/survey/:token', async (req, reply) => {
      const lang = (customer?: string) => pageLanguage(req.query, customer, req.headers['accept-language']);
      const found = await checkToken(req.params.token, reply, lang);
      if (!('record' in found)) return found;
      const language = lang(found.ctx.language);
      return reply.type('text/html; charset=utf-8').send(surveyFormPage({ language, action: req.url, centre: found.ctx.centre, product: found.ctx.product }));
    });

    app.post<{ Params: { token: string } }>('/survey/:token', async (req, reply) => {
      const token = req.params.token;
      const lang = (customer?: string) => pageLanguage(req.body, customer, req.headers['accept-language']);
      const found = await checkToken(token, reply, lang);
      if (!('record' in found)) return found;
      const language = lang(found.ctx.language);
      const parsed = answerSchema.safeParse(req.body ?? {});
      const again = (error: string, values?: Partial<Record<SurveyItem, number>>, comment?: string) =>
        reply.code(400).type('text/html; charset=utf-8').send(surveyFormPage({ language, action: req.url, centre: found.ctx.centre, product: found.ctx.product, values, comment, error }));
      if (!parsed.success) return again(text(language, 'errorInvalid'));
      const answer = parsed.data;
      const items = Object.fromEntries(SURVEY_ITEMS.flatMap((item) => (answer[item] === undefined ? [] : [[item, answer[item]]]))) as Partial<Record<SurveyItem, number>>;
      if (answer.overall === undefined) return again(text(language, 'errorOverall'), items, answer.comment);
      const comment = answer.comment.trim();
      if (comment.length > MAX_COMMENT) return again(text(language, 'errorComment', { max: MAX_COMMENT }), items, comment.slice(0, MAX_COMMENT));

      const inboxId = await recordFormAnswer(pool, token, found.record.requestId, { ...(comment ? { text: comment } : {}), rating: answer.overall, items });
      if (inboxId === undefined) return reply.code(409).type('text/html; charset=utf-8').send(messagePage(language, 'usedTitle', text(language, 'used')));
      deliverAfterAnswer(deps, inboxId);
      req.log.info({ inboxId, late: found.ctx.closed }, 'web form answer received');
      return reply
        .code(200)
        .type('text/html; charset=utf-8')
        .send(messagePage(language, 'thanksTitle', text(language, found.ctx.closed ? 'thanksLate' : 'thanks')));
    });
  };
