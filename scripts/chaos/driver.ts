import type { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import type { Pool } from '../../db/pool';
import { hashToken } from '../../db/queries/accessTokens';
import { startServiceRequest } from '../../client/requests/newRequest';
import { twilioSignatureFor } from '../../providers/twilioSignature';
import { cancelRequestSignal, getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import type { ServiceRequestState } from '../../workflows/types';
import { demoTechnicianToken } from '../demo/demoData';
import { PERSONAS, REPLIES, type Branch, type Persona } from '../demo/personas';
import type { CreatedMessage, FakeProviders } from './fakeProviders';

/** One HTTP request the driver made to the webhook server, as a provider or a person would. */
export interface WebhookCall {
  requestId: string;
  route: string;
  /** Identifies the inbound event in the inbox (source and event id), where the route stores one. */
  inbound?: { source: string; eventId: string; match?: 'prefix' };
  status: number | 'no-connection';
  ms: number;
  at: Date;
  replay?: boolean;
}

interface Tracked {
  requestId: string;
  persona: Persona;
  branch: Branch;
  done: Set<string>;
  startedAt: Date;
  closed: boolean;
}

export interface DriverOptions {
  pool: Pool;
  temporal: Client;
  config: Config;
  providers: FakeProviders;
  baseUrl: string;
  secrets: { technician: string; twilio: string; inbound: string };
  runId: string;
}

/**
 * Plays the customers and the technicians of N requests through the real endpoints, like the demo
 * simulator, but it learns links, call ids and reply addresses only from what the fake providers
 * delivered (what a phone or an inbox received). A webhook that gets no connection or a 5xx is
 * sent again with the same provider ids, as a retrying provider does; every answer is timed.
 */
export function startDriver(o: DriverOptions) {
  const tracked = new Map<string, Tracked>();
  const calls: WebhookCall[] = [];
  let index = 0;

  const smsReplies: { requestId: string; params: Record<string, string> }[] = [];

  async function post(t: Tracked, route: string, body: string | FormData | URLSearchParams, headers: Record<string, string>, inbound?: WebhookCall['inbound'], replay = false): Promise<boolean> {
    for (let attempt = 0; attempt < 40; attempt++) {
      const started = Date.now();
      let status: WebhookCall['status'];
      try {
        const res = await fetch(`${o.baseUrl}${route}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 'no-connection';
      }
      calls.push({ requestId: t.requestId, route: routePattern(route), inbound, status, ms: Date.now() - started, at: new Date(started), replay });
      if (typeof status === 'number' && status < 500) return status < 300;
      await sleep(Math.min(500 * 2 ** attempt, 5000));
    }
    return false;
  }

  const twilioHeaders = (route: string, params: Record<string, string>) => ({
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': twilioSignatureFor(o.secrets.twilio, `${o.baseUrl}${route}`, params),
  });
  const twilio = (t: Tracked, route: string, params: Record<string, string>, inbound?: WebhookCall['inbound']) => post(t, route, new URLSearchParams(params), twilioHeaders(route, params), inbound);

  /** The latest message the provider created for this customer that matches. */
  const received = (t: Tracked, provider: CreatedMessage['provider'], match: RegExp) =>
    o.providers.created.filter((m) => m.provider === provider && (m.to === t.persona.mobile || m.to === t.persona.email) && match.test(m.content)).at(-1);

  async function start(): Promise<string> {
    const base = PERSONAS[index % PERSONAS.length]!;
    const n = index++;
    const suffix = `${o.runId}-${n}`;
    const persona: Persona = {
      ...base,
      customerId: `chaos-${suffix}`,
      mobile: base.mobile ? `+8210${String(20_000_000 + ((Number.parseInt(o.runId, 16) + n) % 70_000_000))}` : undefined,
      email: base.email ? `c${suffix}@mail.example` : undefined,
    };
    const from = new Date(Date.now() + 60_000);
    const { requestId } = await startServiceRequest(o.temporal, o.config, {
      customer: { id: persona.customerId, name: persona.name, email: persona.email, mobile: persona.mobile, areaCode: persona.areaCode, language: persona.language, preferredChannel: persona.preferredChannel, sensitivityClass: persona.sensitivityClass },
      product: { field: persona.field, fault: persona.fault },
      wantedWindow: { start: from.toISOString(), end: new Date(from.getTime() + 8 * 86_400_000).toISOString() },
    });
    tracked.set(requestId, { requestId, persona, branch: persona.branch, done: new Set(), startedAt: new Date(), closed: false });
    return requestId;
  }

  async function step(t: Tracked) {
    const handle = o.temporal.workflow.getHandle(serviceRequestWorkflowId(t.requestId));
    let state: ServiceRequestState;
    try {
      state = await handle.query(getStateQuery);
    } catch {
      return; // Temporal or every worker is down for the moment
    }
    const once = async (key: string, act: () => Promise<boolean | void>) => {
      if (t.done.has(key)) return;
      if ((await act()) !== false) t.done.add(key);
    };
    if (state.stage === 'closed') {
      t.closed = true;
      return;
    }
    if (state.stage === 'awaiting_customer_choice' && t.branch !== 'no_reply') {
      await once('choose', async () => {
        const token = received(t, 'twilio-sms', /\/choose\//)?.content.match(/\/choose\/([\w-]+)/)?.[1] ?? received(t, 'sendgrid', /\/choose\//)?.content.match(/\/choose\/([\w-]+)/)?.[1];
        if (!token) return false;
        const { rows } = await o.pool.query('SELECT technician_id FROM candidate_offers WHERE request_id = $1 ORDER BY rank LIMIT 1', [t.requestId]);
        if (!rows[0]) return false;
        return post(t, `/choose/${token}`, new URLSearchParams({ technicianId: rows[0].technician_id }), { 'content-type': 'application/x-www-form-urlencoded' });
      });
    }
    if (state.stage === 'awaiting_completion' && state.technicianId) {
      if (t.branch === 'cancelled') {
        await once('cancel', () => handle.signal(cancelRequestSignal, { eventId: `chaos-cancel-${t.requestId}`, reason: 'customer fixed it themselves' }));
        return;
      }
      const next = (['en_route', 'arrived', 'working', 'completed'] as const).find((s) => !t.done.has(`progress-${s}`));
      if (next) {
        const technicianId = state.technicianId;
        await once(`progress-${next}`, () =>
          post(t, `/technicians/jobs/${t.requestId}/progress`, JSON.stringify({ eventId: `chaos-${t.requestId}-${next}`, status: next, ...(next === 'completed' ? { resolved: true } : {}) }), {
            authorization: `Bearer ${demoTechnicianToken(o.secrets.technician, technicianId)}`,
            'content-type': 'application/json',
          }, { source: 'technician', eventId: `technician:${technicianId}:chaos-${t.requestId}-${next}` }),
        );
      }
    }
    if (state.stage === 'phone_attempt') {
      await once('call', async () => {
        const call = received(t, 'twilio-call', /./);
        if (!call) return false;
        // Twilio calls back exactly the URLs it was given: the gather action in the TwiML, the status callback.
        const gatherUrl = call.content.match(/action="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
        const route = (url: string | undefined, fallback: string) => (url?.startsWith(o.baseUrl) ? url.slice(o.baseUrl.length) : fallback);
        if (t.branch === 'phone_answered') {
          return twilio(t, route(gatherUrl, '/webhooks/twilio/voice/gather'), { CallSid: call.id, Digits: String(REPLIES.phone_answered.rating), CallStatus: 'in-progress', AnsweredBy: 'human' }, { source: 'twilio-voice', eventId: `${call.id}:`, match: 'prefix' });
        }
        return twilio(t, route(call.statusCallback, '/webhooks/twilio/voice/status'), { CallSid: call.id, CallStatus: t.branch === 'sms_reply' ? 'busy' : 'no-answer' }, { source: 'twilio-voice', eventId: `${call.id}:`, match: 'prefix' });
      });
    }
    if (state.stage === 'awaiting_reply') await once('reply', () => reply(t));
  }

  async function reply(t: Tracked): Promise<boolean> {
    const answer = REPLIES[t.branch];
    if (t.branch === 'no_reply') return true;
    const email = received(t, 'sendgrid', /\/survey\//);
    const sms = received(t, 'twilio-sms', /\/survey\//);
    const survey = [email, sms].filter((m): m is CreatedMessage => Boolean(m)).sort((a, b) => a.at.getTime() - b.at.getTime()).at(-1);
    if (!survey) return false;
    if (survey.provider === 'sendgrid' && survey.replyTo) {
      const messageId = `<chaos-${t.requestId}@mail.example>`;
      const form = new FormData();
      form.set('to', survey.replyTo);
      form.set('from', `${t.persona.name} <${t.persona.email}>`);
      form.set('subject', 'Re: your repair');
      form.set('text', `${answer.text ?? ''}\n\nOn ${new Date().toUTCString()} Service Centre wrote:\n> How was your repair?\n`);
      form.set('headers', `Message-ID: ${messageId}`);
      return post(t, `/webhooks/sendgrid/inbound/${o.secrets.inbound}`, form, {}, { source: 'sendgrid-inbound', eventId: messageId });
    }
    if (t.branch === 'web_form') {
      const token = survey.content.match(/\/survey\/([\w-]+)/)?.[1];
      if (!token) return false;
      const rating = String(answer.rating ?? 5);
      return post(t, `/survey/${token}`, new URLSearchParams({ kindness: rating, punctuality: rating, fixed: rating, overall: rating, comment: answer.text ?? '' }), { 'content-type': 'application/x-www-form-urlencoded' }, { source: 'web-form', eventId: hashToken(token) });
    }
    const params = { From: t.persona.mobile ?? '', To: '+8215880101', Body: answer.text ?? '', MessageSid: `SM${randomBytes(16).toString('hex')}`, AccountSid: 'AC00000000000000000000000000000000' };
    const ok = await twilio(t, '/webhooks/twilio/sms', params, { source: 'twilio-sms', eventId: params.MessageSid });
    if (ok) smsReplies.push({ requestId: t.requestId, params });
    return ok;
  }

  /**
   * Posts the latest answered SMS reply `copies` times at once, as a provider retrying (or a replay
   * with a valid signature) would: it must be stored once and applied once.
   */
  async function replay(copies: number): Promise<number> {
    for (let waited = 0; smsReplies.length === 0 && waited < 90_000; waited += 500) await sleep(500);
    const last = smsReplies.at(-1);
    if (!last) return 0;
    const t = tracked.get(last.requestId)!;
    await Promise.all(Array.from({ length: copies }, () => post(t, '/webhooks/twilio/sms', new URLSearchParams(last.params), twilioHeaders('/webhooks/twilio/sms', last.params), { source: 'twilio-sms', eventId: last.params.MessageSid! }, true)));
    return copies;
  }

  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const open = [...tracked.values()].filter((t) => !t.closed);
      // A few at a time: each step is a query plus at most one webhook.
      for (let i = 0; i < open.length; i += 8) await Promise.all(open.slice(i, i + 8).map((t) => step(t).catch(() => undefined)));
      await sleep(400);
    }
  })();

  return {
    tracked,
    calls,
    start,
    replay,
    openRequests: () => [...tracked.values()].filter((t) => !t.closed).map((t) => t.requestId),
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
export type Driver = ReturnType<typeof startDriver>;

function routePattern(route: string): string {
  return route.split('?')[0]!.replace(/\/(choose|survey|unsubscribe)\/[^/]+/, '/$1/:token').replace(/\/webhooks\/sendgrid\/inbound\/[^/]+/, '/webhooks/sendgrid/inbound/:secret').replace(/\/jobs\/[^/]+\//, '/jobs/:requestId/');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
