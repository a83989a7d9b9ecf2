import type { FastifyPluginAsync } from 'fastify';
import { findToken, type TokenRecord } from '../../../db/queries/accessTokens';
import { customerWithCentre, emailWanted, storeGivenEmail } from '../../../db/queries/customers';
import { emailAskSection } from '../pages/emailAsk';
import { messagePage, page, text, escapeHtml, pageLanguage, type PageLanguage } from '../pages/html';
import { emailAddressField } from '../parsing/emailAddress';
import type { WebhookDeps } from '../server';

/** The email section for a choice page, when we are asking this customer for an address. */
export async function emailAsk(deps: Pick<WebhookDeps, 'pool'>, record: TokenRecord, token: string): Promise<string> {
  if (!(await emailWanted(deps.pool, record.customerId))) return '';
  const customer = await customerWithCentre(deps.pool, record.customerId);
  return emailAskSection(pageLanguage(undefined, customer?.language), token);
}

/**
 * The address a customer gives on the choice page (KR claims 16-17, US 57). The choice link is
 * the key, whether or not a technician was chosen with it yet; an expired or unknown link is not.
 * The address is validated, stored when none is on file, and used for every message from then on.
 */
export const choiceEmailRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { token: string } }>('/choose/:token/email', async (req, reply) => {
      const send = (status: number, body: string) => reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
      const { token } = req.params;
      const record = token.length <= 100 ? await findToken(deps.pool, token, 'choice') : undefined;
      const customer = record && (await customerWithCentre(deps.pool, record.customerId));
      const language: PageLanguage = pageLanguage(req.query, customer?.language, req.headers['accept-language']);
      if (!record || !customer) return send(404, messagePage(language, 'choiceTitle', text(language, 'choiceNotFound')));
      if (record.expiresAt <= deps.clock()) return send(410, messagePage(language, 'choiceTitle', text(language, 'choiceExpired')));

      const given = (req.body as Record<string, unknown> | undefined)?.email;
      const email = emailAddressField(given);
      if (!email) {
        const shown = typeof given === 'string' ? given.slice(0, 254) : '';
        return send(400, page(language, text(language, 'emailAskLegend'), emailAskSection(language, token, text(language, 'emailAskInvalid', { email: shown }))));
      }
      const outcome = await storeGivenEmail(deps.pool, record.customerId, email);
      deps.log.info({ customerId: record.customerId, outcome }, 'choice page: email address given');
      if (outcome === 'already_on_file') return send(409, messagePage(language, 'emailSavedTitle', text(language, 'emailAlreadyOnFile', { centre: customer.centre })));
      return send(200, page(language, text(language, 'emailSavedTitle'), `<p role="status">${escapeHtml(text(language, 'emailSaved', { email }))}</p>`));
    });
  };
