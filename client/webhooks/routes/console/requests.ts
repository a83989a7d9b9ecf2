import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { accessLogFor } from '../../../../db/queries/consoleAccessLog';
import { customerExists, readCustomerConsent } from '../../../../db/queries/consoleCustomers';
import { requestTimeline } from '../../../../db/queries/consoleTimeline';
import { withdrawConsent, type ContactChannel } from '../../../../db/queries/consent';
import { escapeHtml as e } from '../../pages/html';
import { csrfField, table } from '../../pages/console/layout';
import { consoleTime, ct, ctOf } from '../../pages/console/texts';
import { field, type ConsoleContext } from './context';
import { temporalUiLink, type ResolvedConsoleSettings } from './settings';

const requestId = z.uuid();
const CHANNELS: readonly ContactChannel[] = ['sms', 'email', 'voice'];

/** A request's timeline from PostgreSQL (with its workflow in the Temporal Web UI) and a customer's consent. */
export const requestRoutes =
  (ctx: ConsoleContext, settings: ResolvedConsoleSettings): FastifyPluginAsync =>
  async (app) => {
    const { pool } = ctx.deps;
    const tz = settings.timeZone;
    const when = (at: Date | null, lang: 'ko' | 'en') => e(consoleTime(at, lang, tz));

    app.get('/console/requests', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const asked = (req.query as { id?: unknown }).id;
      const parsed = requestId.safeParse(typeof asked === 'string' ? asked.trim().toLowerCase() : undefined);
      if (parsed.success) return reply.redirect(`/console/requests/${parsed.data}`, 303);
      const error = asked === undefined ? undefined : { kind: 'error' as const, message: ct(lang, 'assignBadRequestId') };
      const form = `<form method="get" action="/console/requests" class="inline"><label>${e(ct(lang, 'requestId'))} <input type="text" name="id" required size="38" maxlength="36"></label><button type="submit">${e(ct(lang, 'find'))}</button></form>`;
      return ctx.render(req, reply, error ? 400 : 200, { language: lang, title: ct(lang, 'requestsTitle'), active: 'requests', flash: error }, form);
    });

    app.get<{ Params: { id: string } }>('/console/requests/:id', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const parsed = requestId.safeParse(req.params.id.toLowerCase());
      const timeline = parsed.success ? await requestTimeline(pool, parsed.data) : undefined;
      if (!timeline) return ctx.render(req, reply, 404, { language: lang, title: ct(lang, 'notFound'), active: 'requests' }, '');
      const r = timeline.request;
      const summary = `<section><dl>
<dt>${e(ct(lang, 'requestStatus'))}</dt><dd>${e(r.status)}</dd>
<dt>${e(ct(lang, 'product'))}</dt><dd>${e(r.productField)}</dd>
<dt>${e(ct(lang, 'colCentre'))}</dt><dd>${e(r.centreId)}</dd>
<dt>${e(ct(lang, 'requestCreated'))}</dt><dd>${when(r.createdAt, lang)}</dd>
<dt>${e(ct(lang, 'requestClosed'))}</dt><dd>${when(r.closedAt, lang)}</dd>
<dt>${e(ct(lang, 'closeReason'))}</dt><dd>${e(r.closeReason ?? '')}</dd>
<dt>${e(ct(lang, 'completion'))}</dt><dd>${e(r.completionResult ?? '')}</dd>
<dt>${e(ct(lang, 'points'))}</dt><dd id="points">${timeline.points}</dd>
</dl><p><a id="temporal-link" href="${e(temporalUiLink(settings, r.workflowId))}" rel="noreferrer" target="_blank">${e(ct(lang, 'temporalLink'))}: ${e(r.workflowId)}</a> · <a href="/console/customers/${encodeURIComponent(r.customerId)}/consent">${e(ct(lang, 'consentLink'))}</a></p></section>`;
      const events = table(
        [ct(lang, 'colWhen'), ct(lang, 'colStage'), ct(lang, 'colEvent'), ct(lang, 'colDetail')],
        timeline.events.map((ev) => [when(ev.at, lang), e(ctOf(lang, 'stage', ev.stage)), `<code>${e(ev.event)}</code>`, e(ev.detail)]),
        ct(lang, 'timelineEmpty'),
      );
      return ctx.render(req, reply, 200, { language: lang, title: ct(lang, 'timelineTitle', { id: r.id }), active: 'requests' }, `${summary}${events}`);
    });

    app.get<{ Params: { id: string } }>('/console/customers/:id/consent', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const operator = req.operator!;
      const consent = req.params.id.length <= 200 ? await readCustomerConsent(pool, { customerId: req.params.id, username: operator.username }) : undefined;
      if (!consent) return ctx.render(req, reply, 404, { language: lang, title: ct(lang, 'notFound') }, '');
      const { customer } = consent;
      const path = `/console/customers/${encodeURIComponent(customer.id)}/consent`;
      const rows = CHANNELS.map((channel) => {
        const out = consent.optOuts.find((o) => o.channel === channel);
        return [
          e(ctOf(lang, 'channel', channel)),
          out ? `<strong>${e(ct(lang, 'consentWithdrawn'))}</strong>` : e(ct(lang, 'consentGiven')),
          out ? `${e(out.reason)} · ${when(out.optedOutAt, lang)}` : '',
          out
            ? ''
            : `<form method="post" action="${path}/withdraw" class="inline">${csrfField(operator)}<input type="hidden" name="channel" value="${channel}"><button type="submit">${e(ct(lang, 'withdraw'))}</button></form>`,
        ];
      });
      // Opt-ins are the customer's own to give (registration, WhatsApp START, an agent with the consent CLI).
      const optInRows = consent.optIns.map((o) => [
        e(ctOf(lang, 'optIn', o.kind)),
        o.withdrawnAt ? `<strong>${e(ct(lang, 'consentWithdrawn'))}</strong>` : e(ct(lang, 'optInHeld')),
        o.withdrawnAt ? `${e(o.withdrawalReason ?? '')} · ${when(o.withdrawnAt, lang)}` : `${e(o.source)} · ${when(o.grantedAt, lang)}`,
      ]);
      const log = await accessLogFor(pool, { customerId: customer.id, limit: 20 });
      const body = `<section><dl>
<dt>${e(ct(lang, 'customerName'))}</dt><dd>${e(customer.name)}</dd>
<dt>${e(ct(lang, 'customerEmail'))}</dt><dd>${e(customer.email ?? '')}</dd>
<dt>${e(ct(lang, 'customerMobile'))}</dt><dd>${e(customer.mobile ?? '')}</dd>
<dt>${e(ct(lang, 'customerLanguage'))}</dt><dd>${e(customer.language)}</dd>
</dl></section>
${table([ct(lang, 'colChannel'), ct(lang, 'colStatus'), ct(lang, 'colReason'), ct(lang, 'colAction')], rows, '')}
<h2>${e(ct(lang, 'optInsSection'))}</h2>
${table([ct(lang, 'colKind'), ct(lang, 'colStatus'), ct(lang, 'colReason')], optInRows, ct(lang, 'optInsNone'))}
<h2>${e(ct(lang, 'requestsOfCustomer'))}</h2>
${table([ct(lang, 'colRequest'), ct(lang, 'colStatus'), ct(lang, 'colCreated')], consent.requests.map((r) => [`<a href="/console/requests/${e(r.id)}">${e(r.id)}</a>`, e(r.status), when(r.createdAt, lang)]), '')}
<h2>${e(ct(lang, 'accessSection'))}</h2>
${table([ct(lang, 'colWhen'), ct(lang, 'username'), ct(lang, 'colKind')], log.map((l) => [when(l.accessedAt, lang), e(l.username), e(l.what)]), '')}`;
      return ctx.render(req, reply, 200, { language: lang, title: ct(lang, 'consentTitle', { id: customer.id }) }, body);
    });

    app.post<{ Params: { id: string } }>('/console/customers/:id/consent/withdraw', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const channel = field(req.body, 'channel') as ContactChannel | undefined;
      if (!channel || !CHANNELS.includes(channel)) return ctx.render(req, reply, 400, { language: lang, title: ct(lang, 'badInput', { problem: 'channel: sms, email, voice' }) }, '');
      if (!(await customerExists(pool, req.params.id))) return ctx.render(req, reply, 404, { language: lang, title: ct(lang, 'notFound') }, '');
      await withdrawConsent(pool, req.params.id, channel, `operator:${req.operator!.username}`);
      return ctx.redirectWith(reply, `/console/customers/${encodeURIComponent(req.params.id)}/consent`, { kind: 'ok', message: ct(lang, 'withdrawn', { channel: ctOf(lang, 'channel', channel) }) });
    });
  };
