import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Pool } from '../../db/pool';
import { twilioSignatureFor } from '../../providers/twilioSignature';
import { startServiceRequest } from '../../client/requests/newRequest';
import { cancelRequestSignal, getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import type { ServiceRequestState } from '../../workflows/types';
import { demoTechnicianToken } from './demoData';
import { PERSONAS, REPLIES, type Branch, type Persona } from './personas';

interface Tracked {
  requestId: string;
  persona: Persona;
  branch: Branch;
  done: Set<string>;
}

export interface SimulatorOptions {
  pool: Pool;
  temporal: Client;
  config: Config;
  log: Logger;
  baseUrl: string;
  technicianSecret: string;
  twilioWebhookToken: string;
  inboundSecret: string;
  /** How many requests to start (one persona after another). */
  requests: number;
  startEveryMs: number;
}

/**
 * Plays the technicians and the customers of the sandbox demo. Everything it does goes through the
 * same doors as the real world: the technician endpoint, signed Twilio webhooks, SendGrid Inbound
 * Parse, the web form and the choice page. It reads the sandbox outbox only to find the links and
 * call ids a real phone or inbox would have received.
 */
export function startSimulator(o: SimulatorOptions) {
  const tracked = new Map<string, Tracked>();
  let started = 0;
  let stopped = false;

  const post = async (path: string, body: URLSearchParams | FormData | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${o.baseUrl}${path}`, { method: 'POST', body, headers });
    if (!res.ok) o.log.warn({ path, status: res.status, body: (await res.text()).slice(0, 200) }, 'simulator: webhook refused');
    return res.ok;
  };
  const twilio = (path: string, params: Record<string, string>) =>
    post(path, new URLSearchParams(params), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignatureFor(o.twilioWebhookToken, `${o.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${path}`, params),
    });

  async function outbox(requestId: string, purpose: string) {
    const { rows } = await o.pool.query(
      `SELECT channel, recipient, body, provider_message_id FROM outbox WHERE request_id = $1 AND purpose = $2 AND status = 'sent' ORDER BY id DESC LIMIT 1`,
      [requestId, purpose],
    );
    return rows[0] as { channel: string; recipient: string; body: { text: string; replyTo?: string }; provider_message_id: string } | undefined;
  }

  async function startNext() {
    const persona = PERSONAS[started % PERSONAS.length]!;
    started++;
    const from = new Date(Date.now() + 60_000);
    const { requestId } = await startServiceRequest(o.temporal, o.config, {
      customer: { id: persona.customerId, name: persona.name, email: persona.email, mobile: persona.mobile, areaCode: persona.areaCode, language: persona.language, preferredChannel: persona.preferredChannel, optIns: persona.optIns, sensitivityClass: persona.sensitivityClass },
      product: { field: persona.field, fault: persona.fault },
      wantedWindow: { start: from.toISOString(), end: new Date(from.getTime() + 2 * 86_400_000).toISOString() },
    });
    tracked.set(requestId, { requestId, persona, branch: persona.branch, done: new Set() });
    o.log.info({ requestId, branch: persona.branch }, 'simulator: new service request');
  }

  /** Demo requests left open by an earlier run of the stack are played on to their end. */
  async function adoptEarlierRequests() {
    const { rows } = await o.pool.query(
      `SELECT id, customer_id, revisit_of FROM service_requests WHERE customer_id = ANY($1::text[]) AND status <> 'closed'`,
      [PERSONAS.map((p) => p.customerId)],
    );
    for (const r of rows) {
      const persona = PERSONAS.find((p) => p.customerId === r.customer_id);
      if (persona && !tracked.has(r.id)) tracked.set(r.id, { requestId: r.id, persona, branch: r.revisit_of ? 'phone_answered' : persona.branch, done: new Set() });
    }
  }

  /** Revisits started by the workflow belong to the same customer; this time the repair holds. */
  async function adoptRevisits() {
    const { rows } = await o.pool.query(`SELECT id, revisit_of FROM service_requests WHERE revisit_of = ANY($1::uuid[]) AND status <> 'closed'`, [[...tracked.keys()]]);
    for (const r of rows) {
      const parent = tracked.get(r.revisit_of);
      if (parent && !tracked.has(r.id)) tracked.set(r.id, { requestId: r.id, persona: parent.persona, branch: 'phone_answered', done: new Set() });
    }
  }

  async function step(t: Tracked) {
    const handle = o.temporal.workflow.getHandle(serviceRequestWorkflowId(t.requestId));
    let state: ServiceRequestState;
    try {
      state = await handle.query(getStateQuery);
    } catch {
      return; // not started yet, or closed and gone
    }
    const once = async (key: string, act: () => Promise<boolean | void>) => {
      if (t.done.has(key)) return;
      if ((await act()) !== false) t.done.add(key);
    };
    if (state.stage === 'closed') {
      tracked.delete(t.requestId);
      return;
    }
    if (state.stage === 'awaiting_customer_choice' && t.persona.branch !== 'no_reply') {
      await once('choose', async () => {
        const sent = await outbox(t.requestId, 'technician-choice');
        const token = sent?.body.text.match(/\/choose\/([\w-]+)/)?.[1];
        if (!token) return false;
        const { rows } = await o.pool.query('SELECT technician_id FROM candidate_offers WHERE request_id = $1 ORDER BY rank DESC LIMIT 1', [t.requestId]);
        return rows[0] ? post(`/choose/${token}`, new URLSearchParams({ technicianId: rows[0].technician_id }), { 'content-type': 'application/x-www-form-urlencoded' }) : false;
      });
    }
    if (state.stage === 'awaiting_completion' && state.technicianId) {
      if (t.branch === 'cancelled') {
        await once('cancel', () => handle.signal(cancelRequestSignal, { eventId: `demo-cancel-${t.requestId}`, reason: 'customer fixed it themselves' }));
        return;
      }
      const token = demoTechnicianToken(o.technicianSecret, state.technicianId);
      const next = (['en_route', 'arrived', 'working', 'completed'] as const).find((s) => !t.done.has(`progress-${s}`));
      if (next) {
        await once(`progress-${next}`, () =>
          post(`/technicians/jobs/${t.requestId}/progress`, JSON.stringify({ eventId: `demo-${t.requestId}-${next}`, status: next, ...(next === 'completed' ? { resolved: true } : {}) }), {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
          }),
        );
      }
    }
    if (state.stage === 'phone_attempt') {
      await once('call', async () => {
        const call = await outbox(t.requestId, 'survey-call');
        if (!call) return false;
        if (t.branch === 'phone_answered') {
          return twilio('/webhooks/twilio/voice/gather', { CallSid: call.provider_message_id, Digits: String(REPLIES.phone_answered.rating), CallStatus: 'in-progress', AnsweredBy: 'human' });
        }
        return twilio('/webhooks/twilio/voice/status', { CallSid: call.provider_message_id, CallStatus: t.branch === 'sms_reply' ? 'busy' : 'no-answer' });
      });
    }
    if (state.stage === 'awaiting_reply') await once('reply', () => reply(t));
  }

  async function reply(t: Tracked): Promise<boolean> {
    const answer = REPLIES[t.branch];
    if (t.branch === 'no_reply') return true;
    const survey = await outbox(t.requestId, 'survey');
    if (!survey) return false;
    if (survey.channel === 'email') {
      const form = new FormData();
      form.set('to', survey.body.replyTo ?? '');
      form.set('from', `${t.persona.name} <${t.persona.email}>`);
      form.set('subject', 'Re: your repair');
      form.set('text', `${answer.text ?? ''}\n\nOn ${new Date().toUTCString()} Service Centre wrote:\n> How was your repair?\n`);
      form.set('headers', `Message-ID: <demo-${t.requestId}@mail.example>`);
      return post(`/webhooks/sendgrid/inbound/${o.inboundSecret}`, form);
    }
    if (t.branch === 'web_form') {
      const token = survey.body.text.match(/\/survey\/([\w-]+)/)?.[1];
      if (!token) return false;
      const rating = String(answer.rating ?? 5);
      return post(`/survey/${token}`, new URLSearchParams({ kindness: rating, punctuality: rating, fixed: rating, overall: rating, comment: answer.text ?? '' }), {
        'content-type': 'application/x-www-form-urlencoded',
      });
    }
    if (survey.channel === 'whatsapp') {
      return twilio('/webhooks/twilio/whatsapp', { From: `whatsapp:${t.persona.mobile ?? ''}`, To: 'whatsapp:+8215880103', Body: answer.text ?? '', MessageSid: `SMdemowa${t.requestId.replace(/-/g, '')}` });
    }
    // A persona can have several surveys open at once: the reply names its request by the code the SMS carries.
    const code = survey.body.text.match(/#(\d{6})/)?.[1];
    const body = [answer.text ?? '', code ? `#${code}` : ''].filter(Boolean).join(' ');
    return twilio('/webhooks/twilio/sms', { From: t.persona.mobile ?? '', To: '+8215880101', Body: body, MessageSid: `SMdemo${t.requestId.replace(/-/g, '')}` });
  }

  const loop = (async () => {
    await adoptEarlierRequests().catch((err) => o.log.warn({ err: (err as Error).message }, 'simulator: could not adopt earlier requests'));
    let nextStartAt = Date.now();
    while (!stopped) {
      try {
        if (started < o.requests && Date.now() >= nextStartAt) {
          await startNext();
          nextStartAt = Date.now() + o.startEveryMs;
        }
        await adoptRevisits();
        for (const t of [...tracked.values()]) await step(t);
      } catch (err) {
        o.log.warn({ err: (err as Error).message }, 'simulator step failed; trying again');
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
