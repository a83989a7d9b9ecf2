import type { FastifyPluginAsync } from 'fastify';
import { findToken } from '../../../db/queries/accessTokens';
import { withdrawConsent, withdrawMarketing } from '../../../db/queries/consent';
import { customerWithCentre } from '../../../db/queries/customers';
import { escapeHtml, messagePage, page, pageLanguage, text } from '../pages/html';
import type { WebhookDeps } from '../server';

/**
 * Two opt-outs on the same link token. `/unsubscribe/:token` is RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to the link
 * without a person seeing a page; a person opening the link gets a confirm button (a GET must not
 * unsubscribe, or link scanners would do it). Repeating it changes nothing. It stops every email and
 * withdraws marketing consent. `/ads/opt-out/:token` is the free opt-out an advertisement ends with
 * (정보통신망법 제50조): it withdraws marketing consent only; service messages continue.
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
      const customer = await customerWithCentre(pool, record.customerId);
      return customer && { record, customer };
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
      await withdrawConsent(pool, found.record.customerId, 'email', 'unsubscribe link');
      // Unsubscribing from everything refuses advertisements too.
      await withdrawMarketing(pool, found.record.customerId, 'email unsubscribe link');
      req.log.info({ customerId: found.record.customerId }, 'email unsubscribe');
      return messagePage(language, 'unsubscribedTitle', text(language, 'unsubscribed', { replyPhone: found.customer.replyPhone }));
    });

    app.get<{ Params: { token: string } }>('/ads/opt-out/:token', async (req, reply) => {
      const found = await lookup(req.params.token);
      const language = pageLanguage(req.query, found?.customer.language, req.headers['accept-language']);
      reply.type('text/html; charset=utf-8');
      if (!found) return reply.code(404).send(messagePage(language, 'adsOptOutTitle', text(language, 'unsubscribeUnknown')));
      const body = `<p>${escapeHtml(text(language, 'adsOptOutConfirm', { centre: found.customer.centre }))}</p>
<form method="post" action="${escapeHtml(req.url)}"><button type="submit">${escapeHtml(text(language, 'adsOptOutButton'))}</button></form>`;
      return page(language, text(language, 'adsOptOutTitle'), body);
    });

    app.post<{ Params: { token: string } }>('/ads/opt-out/:token', async (req, reply) => {
      const found = await lookup(req.params.token);
      const language = pageLanguage(req.query, found?.customer.language, req.headers['accept-language']);
      reply.type('text/html; charset=utf-8');
      if (!found) return reply.code(404).send(messagePage(language, 'adsOptOutTitle', text(language, 'unsubscribeUnknown')));
      await withdrawMarketing(pool, found.record.customerId, 'advertisement opt-out link');
      req.log.info({ customerId: found.record.customerId }, 'advertisement opt-out');
      return messagePage(language, 'adsOptedOutTitle', text(language, 'adsOptedOut', { replyPhone: found.customer.replyPhone }));
    });
  };
