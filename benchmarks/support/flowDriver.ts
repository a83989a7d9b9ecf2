import { randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { loadConfig } from '../../config';
import { startServiceRequest } from '../../client/requests/newRequest';
import { twilioSignatureFor } from '../../providers/twilioSignature';
import { demoTechnicianToken } from '../../scripts/demo/demoData';
import { getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import { startingSearchAttributes } from '../../workflows/searchAttributes';
import { ceilingSignal } from '../ceiling/workflow';
import { CEILING_MARKS_TABLE } from '../ceiling/activities';
import type { BenchStack } from './benchStack';

/** The demo network's area / product-field pairs that technicians cover, used in turn. */
const DEMAND = [
  { areaCode: '06236', field: 'refrigerator' },
  { areaCode: '06164', field: 'washing_machine' },
  { areaCode: '48094', field: 'air_conditioner' },
  { areaCode: '06236', field: 'air_conditioner' },
  { areaCode: '48060', field: 'washing_machine' },
] as const;

/** Where a request is left: closed (the whole happy path), booked (awaiting completion), surveyed (survey SMS sent, awaiting the reply). */
export type FlowTarget = 'closed' | 'booked' | 'surveyed';

export interface RunResult {
  requests: number;
  wallMs: number;
  /** Start → target, per request. */
  latenciesMs: number[];
  workflowIds: string[];
  /** The requests as they reached the target. */
  reached: { requestId: string; workflowId: string; mobile?: string }[];
  /** Requests that closed before reaching the target (e.g. no technician). */
  endedEarly: number;
}

/** What the driver does once a request shows the mark it waits for; each runs once per request. */
interface Driven {
  id: string;
  workflowId: string;
  startedAt: number;
  done: Set<string>;
  mobile?: string;
}

/**
 * Runs `count` requests through the happy path, at most `concurrency` at a time: the customer picks
 * the first offered technician on the choice page, the technician reports completion on their
 * endpoint, the customer presses 5 on the survey call (a signed Twilio Gather webhook). The driver
 * sees what a phone or an inbox would by polling the database every `pollMs`, for all requests in
 * one query, so watching costs Temporal nothing.
 */
export async function runProductFlow(
  stack: BenchStack,
  count: number,
  options: { concurrency: number; days: number; pollMs?: number; target?: FlowTarget },
): Promise<RunResult> {
  const target = options.target ?? 'closed';
  const config = loadConfig(stack.env);
  let started = 0;
  // Each customer has a number of their own, so SMS replies find exactly their request.
  const numbersFrom = 20_000_000 + (Date.now() % 40_000_000);
  const startRequest = async (): Promise<Driven> => {
    const n = started++;
    const mobile = `+8210${numbersFrom + n}`;
    const demand = DEMAND[n % DEMAND.length]!;
    const from = new Date(Date.now() + 3_600_000);
    const suffix = randomUUID().slice(0, 8);
    const { requestId, workflowId } = await startServiceRequest(stack.temporal, config, {
      customer: { id: `bench-${suffix}`, name: 'Bench Customer', mobile, areaCode: demand.areaCode, language: 'ko', sensitivityClass: 'standard' },
      product: { field: demand.field, fault: 'bench: does not cool' },
      wantedWindow: { start: from.toISOString(), end: new Date(from.getTime() + (options.days - 1) * 86_400_000).toISOString() },
    });
    return { id: requestId, workflowId, startedAt: Date.now(), done: new Set(), mobile };
  };

  const post = async (path: string, body: string, headers: Record<string, string>) => {
    const res = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', body, headers });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  };
  const signedTwilio = (path: string, params: Record<string, string>) =>
    post(path, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignatureFor(stack.secrets.TWILIO_WEBHOOK_AUTH_TOKEN, `${stack.publicBaseUrl}${path}`, params),
    });

  return drive(count, options.concurrency, options.pollMs ?? 100, startRequest, async (inFlight) => {
    const { rows } = await stack.pool.query<{ id: string; closed: boolean; choice_id: string | null; choice_text: string | null; offered: string | null; technician: string | null; call_sid: string | null; survey_sms: boolean }>(
      `SELECT r.id, r.status = 'closed' AS closed,
              EXISTS (SELECT 1 FROM outbox s WHERE s.request_id = r.id AND s.purpose = 'survey' AND s.channel = 'sms' AND s.status = 'sent') AS survey_sms,
              c.id AS choice_id, c.body->>'text' AS choice_text,
              (SELECT technician_id FROM candidate_offers WHERE request_id = r.id ORDER BY rank LIMIT 1) AS offered,
              (SELECT b.technician_id FROM bookings b WHERE b.request_id = r.id AND b.status = 'active'
                  AND EXISTS (SELECT 1 FROM outbox v WHERE v.request_id = r.id AND v.purpose = 'visit-notice' AND v.status = 'sent')) AS technician,
              (SELECT provider_message_id FROM outbox o WHERE o.request_id = r.id AND o.purpose = 'survey-call' AND o.status = 'sent' ORDER BY o.id DESC LIMIT 1) AS call_sid
         FROM service_requests r
         LEFT JOIN LATERAL (SELECT id, body FROM outbox o WHERE o.request_id = r.id AND o.purpose = 'technician-choice' AND o.status = 'sent' ORDER BY o.id DESC LIMIT 1) c ON true
        WHERE r.id = ANY($1::uuid[])`,
      [inFlight.map((d) => d.id)],
    );
    return rows.map((r) => ({
      id: r.id,
      // A request that closed before its target (e.g. no technician after every booking race was
      // lost) has ended too: it is counted apart, not waited for.
      closed: target === 'closed' ? r.closed : r.closed || (target === 'booked' ? r.technician !== null : r.survey_sms),
      endedEarly: target !== 'closed' && r.closed,
      actions: [
        // A new offer round (every candidate was taken meanwhile) is answered again.
        r.choice_id && r.offered && !r.technician
          ? { key: `choose-${r.choice_id}`, run: () => post(`/choose/${/\/choose\/([\w-]+)/.exec(r.choice_text ?? '')?.[1]}`, new URLSearchParams({ technicianId: r.offered! }).toString(), { 'content-type': 'application/x-www-form-urlencoded' }) }
          : undefined,
        r.technician && target !== 'booked'
          ? {
              key: 'complete',
              run: () =>
                post(`/technicians/jobs/${r.id}/progress`, JSON.stringify({ eventId: `bench-${r.id}-completed`, status: 'completed', resolved: true }), {
                  authorization: `Bearer ${demoTechnicianToken(stack.secrets.TECHNICIAN_TOKEN_SECRET, r.technician!)}`,
                  'content-type': 'application/json',
                }),
            }
          : undefined,
        // Closing the flow: a keypad 5. Parking at the survey SMS: nobody picks up.
        // With the request id in the URL, as the call's own callback URLs carry it (providers/twilioCallbackUrl.ts).
        r.call_sid && target === 'closed' ? { key: 'rate', run: () => signedTwilio(`/webhooks/twilio/voice/gather?requestId=${r.id}`, { CallSid: r.call_sid!, Digits: '5', CallStatus: 'in-progress', AnsweredBy: 'human' }) } : undefined,
        r.call_sid && target === 'surveyed' ? { key: 'no-answer', run: () => signedTwilio(`/webhooks/twilio/voice/status?requestId=${r.id}`, { CallSid: r.call_sid!, CallStatus: 'no-answer' }) } : undefined,
      ],
    }));
  }, (stuck) => explainStuck(stack, stuck));
}

/** The same requests' shape on the ceiling workflow, driven the same way (marks polled, signals sent). */
export async function runCeilingFlow(stack: BenchStack, taskQueue: string, count: number, options: { concurrency: number; pollMs?: number }): Promise<RunResult> {
  const startRequest = async (): Promise<Driven> => {
    const id = randomUUID();
    const workflowId = `bench-ceiling-${id}`;
    // With the starting attributes, as the product's requests are started (client/requests/newRequest.ts).
    await stack.plainTemporal.workflow.start('ceilingWorkflow', { taskQueue, workflowId, args: [id], typedSearchAttributes: startingSearchAttributes(id) });
    return { id, workflowId, startedAt: Date.now(), done: new Set() };
  };
  const signal = (workflowId: string, name: string) => () => stack.plainTemporal.workflow.getHandle(workflowId).signal(ceilingSignal, name);
  return drive(count, options.concurrency, options.pollMs ?? 100, startRequest, async (inFlight) => {
    const { rows } = await stack.pool.query<{ request_id: string; marks: string[] }>(
      `SELECT request_id, array_agg(mark) AS marks FROM ${CEILING_MARKS_TABLE} WHERE request_id = ANY($1::text[]) GROUP BY request_id`,
      [inFlight.map((d) => d.id)],
    );
    return rows.map((r) => {
      const workflowId = `bench-ceiling-${r.request_id}`;
      const has = (m: string) => r.marks.includes(m);
      return {
        id: r.request_id,
        closed: has('closed'),
        actions: [
          has('offer') ? { key: 'choose', run: signal(workflowId, 'chosen') } : undefined,
          has('visit') ? { key: 'complete', run: signal(workflowId, 'completed') } : undefined,
          has('call') ? { key: 'rate', run: signal(workflowId, 'rated') } : undefined,
        ],
      };
    });
  });
}

type Observation = { id: string; closed: boolean; endedEarly?: boolean; actions: ({ key: string; run: () => Promise<unknown> } | undefined)[] };

async function drive(
  count: number,
  concurrency: number,
  pollMs: number,
  start: () => Promise<Driven>,
  observe: (inFlight: Driven[]) => Promise<Observation[]>,
  explain: (stuck: Driven[]) => Promise<string> = async () => '',
): Promise<RunResult> {
  const began = Date.now();
  const inFlight = new Map<string, Driven>();
  const latenciesMs: number[] = [];
  const workflowIds: string[] = [];
  const reached: RunResult['reached'] = [];
  let endedEarly = 0;
  let started = 0;
  let lastProgress = Date.now();
  while (started < count || inFlight.size > 0) {
    const starting: Promise<void>[] = [];
    while (started < count && inFlight.size + starting.length < concurrency) {
      started++;
      starting.push(start().then((d) => void inFlight.set(d.id, d)));
    }
    await Promise.all(starting);
    const observed = await observe([...inFlight.values()]);
    const running: Promise<unknown>[] = [];
    for (const o of observed) {
      const d = inFlight.get(o.id);
      if (!d) continue;
      if (o.closed) {
        inFlight.delete(o.id);
        lastProgress = Date.now();
        if (o.endedEarly) {
          endedEarly++;
          continue;
        }
        latenciesMs.push(Date.now() - d.startedAt);
        workflowIds.push(d.workflowId);
        reached.push({ requestId: d.id, workflowId: d.workflowId, mobile: d.mobile });
        continue;
      }
      for (const action of o.actions) {
        if (!action || d.done.has(action.key)) continue;
        d.done.add(action.key);
        lastProgress = Date.now();
        // A refused step is tried again at the next poll.
        running.push(action.run().catch((err) => {
          d.done.delete(action.key);
          process.stderr.write(`bench: ${action.key} for ${d.id} failed, retrying: ${(err as Error).message}\n`);
        }));
      }
    }
    await Promise.all(running);
    if (Date.now() - lastProgress > 180_000) {
      const stuck = [...inFlight.values()].slice(0, 5);
      throw new Error(`no request moved for 3 minutes; ${inFlight.size} still in flight:\n${await explain(stuck).catch((err) => String(err))}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return { requests: count, wallMs: Date.now() - began, latenciesMs, workflowIds, reached, endedEarly };
}

/** Where each stuck request stands: its workflow's stage, what the driver did, what the outbox and inbox hold. */
async function explainStuck(stack: BenchStack, stuck: Driven[]): Promise<string> {
  const lines: string[] = [];
  for (const d of stuck) {
    const state = await stack.temporal.workflow.getHandle(d.workflowId).query(getStateQuery).catch((err: Error) => ({ stage: `unknown (${err.message})` }));
    const outbox = await stack.pool.query(`SELECT purpose, status FROM outbox WHERE request_id = $1 ORDER BY id`, [d.id]);
    const inbox = await stack.pool.query(`SELECT kind, status, attempts, last_error FROM inbox WHERE request_id = $1 ORDER BY id`, [d.id]);
    lines.push(
      `  ${d.id}: stage ${state.stage}; driver did ${[...d.done].join(', ') || 'nothing'}; outbox ${outbox.rows.map((r) => `${r.purpose}/${r.status}`).join(', ') || '-'}; inbox ${inbox.rows.map((r) => `${r.kind}/${r.status}(${r.attempts}${r.last_error ? `: ${r.last_error}` : ''})`).join(', ') || '-'}`,
    );
  }
  return lines.join('\n');
}

/** Events and encoded bytes of each workflow's history (a sample of them). */
export async function historySizes(stack: BenchStack, workflowIds: string[], sample = 30): Promise<{ events: number[]; bytes: number[]; offerRounds: number[] }> {
  const events: number[] = [];
  const bytes: number[] = [];
  // Technician searches per request: more than one means a lost booking race (offered again).
  const offerRounds: number[] = [];
  for (const id of workflowIds.slice(0, sample)) {
    const history = await stack.temporal.workflow.getHandle(id).fetchHistory();
    events.push(history.events?.length ?? 0);
    bytes.push(proto.temporal.api.history.v1.History.encode(history).finish().length);
    offerRounds.push((history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'findTechnicianCandidates').length);
  }
  return { events, bytes, offerRounds };
}

export { serviceRequestWorkflowId };
