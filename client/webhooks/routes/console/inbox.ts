import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { assignUnmatchedMessage, readUnmatchedMessages } from '../../../../db/queries/consoleInbox';
import { deliverInbound } from '../../inbox/deliver';
import { escapeHtml as e, type PageLanguage } from '../../pages/html';
import { csrfField, table } from '../../pages/console/layout';
import { consoleTime, ct, ctOf } from '../../pages/console/texts';
import { field, type ConsoleContext } from './context';
import type { ResolvedConsoleSettings } from './settings';

const requestIdSchema = z.uuid();

/**
 * Inbound messages nobody could match. An operator reads one and gives it its request; from then
 * on it is an ordinary inbox row, delivered by the one delivery path (inbox/deliver.ts) as if it
 * had been matched on arrival, or left to the relay when Temporal does not answer.
 */
export const inboxRoutes =
  (ctx: ConsoleContext, settings: ResolvedConsoleSettings): FastifyPluginAsync =>
  async (app) => {
    const { pool } = ctx.deps;

    const listPage = async (lang: PageLanguage, username: string, csrf: { displayName: string; csrfToken: string }) => {
      const messages = await readUnmatchedMessages(pool, { username });
      const rows = messages.map((m) => [
        String(m.id),
        e(consoleTime(m.receivedAt, lang, settings.timeZone)),
        `${e(m.source)}<br><span class="muted">${e(m.kind)}</span>`,
        e(m.sender ?? ''),
        `<span class="pre">${e(m.text ?? '')}</span>${m.rating === null ? '' : ` <strong>${m.rating}/5</strong>`}`,
        `<form method="post" action="/console/inbox/${m.id}/assign" class="inline">${csrfField(csrf)}
<label>${e(ct(lang, 'requestId'))} <input type="text" name="requestId" required size="38" maxlength="36" pattern="[0-9a-fA-F-]{36}"></label>
<button type="submit">${e(ct(lang, 'assign'))}</button></form>`,
      ]);
      const headers = ['colId', 'colWhen', 'colSource', 'colSender', 'colText', 'colAction'] as const;
      return `<p class="muted">${e(ct(lang, 'inboxHint'))}</p>${table(headers.map((h) => ct(lang, h)), rows, ct(lang, 'inboxEmpty'))}`;
    };

    app.get('/console/inbox', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const body = await listPage(lang, req.operator!.username, req.operator!);
      return ctx.render(req, reply, 200, { language: lang, title: ct(lang, 'inboxTitle'), active: 'inbox' }, body);
    });

    app.post<{ Params: { id: string } }>('/console/inbox/:id/assign', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const operator = req.operator!;
      const refuse = async (status: number, message: string) =>
        ctx.render(req, reply, status, { language: lang, title: ct(lang, 'inboxTitle'), active: 'inbox', flash: { kind: 'error', message } }, await listPage(lang, operator.username, operator));
      const inboxId = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : undefined;
      if (inboxId === undefined) return refuse(404, ct(lang, 'notFound'));
      const requestId = requestIdSchema.safeParse((field(req.body, 'requestId') ?? '').trim().toLowerCase());
      if (!requestId.success) return refuse(400, ct(lang, 'assignBadRequestId'));

      const assignment = await assignUnmatchedMessage(pool, { inboxId, requestId: requestId.data, username: operator.username });
      switch (assignment.outcome) {
        case 'not_found':
          return refuse(404, ct(lang, 'notFound'));
        case 'no_such_request':
          return refuse(404, ct(lang, 'assignNoRequest', { request: requestId.data }));
        case 'not_unmatched':
          return refuse(409, ct(lang, 'assignNotUnmatched', { id: inboxId, who: assignment.assignedBy ? ` (${assignment.assignedBy})` : '' }));
        case 'assigned': {
          const status = await deliverInbound({ pool, temporal: ctx.deps.temporal, log: ctx.deps.log, signalTimeoutMs: ctx.deps.signalTimeoutMs }, inboxId);
          req.log.info({ event: 'console.inbox_assigned', operator: operator.username, inboxId, status }, 'console: unmatched message assigned to a request');
          return ctx.redirectWith(reply, '/console/inbox', { kind: 'ok', message: ct(lang, 'assigned', { id: inboxId, request: requestId.data, outcome: ctOf(lang, 'outcome', status) }) });
        }
      }
    });
  };
