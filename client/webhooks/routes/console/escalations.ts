import type { FastifyPluginAsync } from 'fastify';
import { listEscalations } from '../../../../db/queries/consoleEscalations';
import { escapeHtml as e } from '../../pages/html';
import { table } from '../../pages/console/layout';
import { consoleTime, ct, ctOf } from '../../pages/console/texts';
import type { ConsoleContext } from './context';
import { temporalUiLink, type ResolvedConsoleSettings } from './settings';

const KINDS = ['late_completion', 'no_technician', 'booking_released', 'dispatch_failed'] as const;

/** Escalations to a supervisor, newest first, with a way into each request and its workflow. */
export const escalationRoutes =
  (ctx: ConsoleContext, settings: ResolvedConsoleSettings): FastifyPluginAsync =>
  async (app) => {
    app.get('/console/escalations', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const asked = (req.query as { kind?: unknown }).kind;
      const kind = (KINDS as readonly unknown[]).includes(asked) ? (asked as string) : undefined;
      const rows = await listEscalations(ctx.deps.pool, { kind });
      const filters = [`<a href="/console/escalations">${e(ct(lang, 'filterKindAll'))}</a>`, ...KINDS.map((k) => (k === kind ? `<strong>${e(ctOf(lang, 'kind', k))}</strong>` : `<a href="/console/escalations?kind=${k}">${e(ctOf(lang, 'kind', k))}</a>`))].join(' · ');
      const body = table(
        [ct(lang, 'colWhen'), ct(lang, 'colKind'), ct(lang, 'colDetail'), ct(lang, 'colCentre'), ct(lang, 'requestStatus'), ct(lang, 'colRequest'), 'Temporal'],
        rows.map((r) => [
          e(consoleTime(r.createdAt, lang, settings.timeZone)),
          e(ctOf(lang, 'kind', r.kind)),
          e(r.detail),
          e(r.centreId),
          e(r.requestStatus),
          `<a href="/console/requests/${e(r.requestId)}">${e(r.requestId.slice(0, 8))}</a>`,
          `<a href="${e(temporalUiLink(settings, r.workflowId))}" rel="noreferrer" target="_blank">${e(r.workflowId)}</a>`,
        ]),
        ct(lang, 'escalationsEmpty'),
      );
      return ctx.render(req, reply, 200, { language: lang, title: ct(lang, 'escalationsTitle'), active: 'escalations' }, `<p>${filters}</p>${body}`);
    });
  };
