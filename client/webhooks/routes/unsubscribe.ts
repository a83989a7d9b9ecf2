import type { FastifyPluginAsync } from 'fastify';
import { findToken } from '../../../db/queries/accessTokens';
import { escapeHtml, messagePage, page, pageLanguage, text } from '../pages/html';
import type { WebhookDeps } from '../server';

/**
 * RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link
 * without a person seeing a page; a person opening the link gets a confirm button (a GET must not
 * unsubscribe, or link scanners would do it). Repeating it changes nothing.
 */
export const unsubscribeRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool } = deps;
    // RFC 8058 allows the one-click POST as multipart too; its content is fixed, so it is not read.
    app.addContentTypeParser('multipart/form-data', (_req, payload, done) => {
      payload.resume();
      payload.once('end', () => done(null, {}));
      payload.once('error', (err) => done(err));
    });

    const lookup = async (token: string) => {
      const record = await findToken(pool, token, 'unsubscribe');
      if (!record) return undefined;
      const { rows } = await pool.query(
        `SELECT c.language, sc.name AS centre, sc.reply_phone FROM customers c
           JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id WHERE c.id = $1`,
        [record.customerId],
      );
      return { record, customer: rows[0] as { language: string; centre: string; reply_phone: string } };
    };

    app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
      const found = await lookup(req.params.token);
      const language = pageLanguage(req.query, found?.customer.language, req.headers['accept-language']);
      reply.type('text/html; charset=utf-8');
      if (!found) return reply.code(404).send(messagePage(language, 'unsubscribeTitle', text(language, 'unsubscribeUnknown')));
      const body = `<p>${escapeHtml(text(language, 'unsubscribeConfirm', { centre: found.customer.centre }))}</p>
<form method="post" action="${escapeHtml(req.url)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(text(language, 'unsubscribeButton'))}</button></form>`;
      return page(language, text(language, 'unsubscribeTitle'), body);
    });

    app.post<{ Params: { token: string } }>('/unsubscribe/:token', async (req, reply) => {
      const found = await lookup(req.params.token);
      const language = pageLanguage(req.query, found?.customer.language, req.headers['accept-language']);
      reply.type('text/html; charset=utf-8');
      if (!found) return reply.code(404).send(messagePage(language, 'unsubscribeTitle', text(language, 'unsubscribeUnknown')));
      // An old link still works: unsubscribing is never refused for being late.
      await pool.query(
        `INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, 'email', 'unsubscribe link') ON CONFLICT (customer_id, channel) DO NOTHING`,
        [found.record.customerId],
      );
      req.log.info({ customerId: found.record.customerId }, 'email unsubscribe');
      return messagePage(language, 'unsubscribedTitle', text(language, 'unsubscribed', { replyPhone: found.customer.reply_phone }));
    });
  };
