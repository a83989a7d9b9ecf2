import type { Client } from '@temporalio/client';
import type { Pool } from '../../db/pool';
import { serviceRequestWorkflowId } from '../../workflows/messages';
import type { WebhookCall } from './driver';
import type { CreatedMessage } from './fakeProviders';
import type { ProcessExit } from './stack';

/** The promises the suite checks; each violation names the request or process and when it happened. */
export const INVARIANTS = {
  lost_inbound: 'every 2xx-answered inbound event is stored and delivered (or stored as late)',
  duplicate_send: 'at most one provider send per request and purpose (what the fake providers created)',
  double_grant: 'at most one points grant per request',
  double_booking: 'never two active bookings for one request, nor overlapping ones for one technician',
  stuck: 'every request closes: workflow completed, request row closed, no inbox row left pending',
  slow_webhook: 'every webhook answered within 2 s (whatever is down)',
  unexpected_exit: 'no process exited except the one killed',
} as const;
export type Invariant = keyof typeof INVARIANTS;

export interface Violation {
  invariant: Invariant;
  at: Date;
  detail: string;
}

export async function checkInvariants(o: {
  pool: Pool;
  temporal: Client;
  requestIds: string[];
  calls: WebhookCall[];
  created: CreatedMessage[];
  exits: ProcessExit[];
  requestStartedAt: (requestId: string) => Date;
  webhookDeadlineMs?: number;
}): Promise<Violation[]> {
  const violations: Violation[] = [];
  const deadline = o.webhookDeadlineMs ?? 2000;

  // Webhooks: answered in time (a refused connection is not an answer: the provider retries it).
  for (const c of o.calls) {
    if (c.status !== 'no-connection' && c.ms > deadline) violations.push({ invariant: 'slow_webhook', at: c.at, detail: `${c.route} answered ${c.status} after ${c.ms} ms` });
  }

  // Inbound events the webhook server acknowledged with 2xx.
  const acknowledged = new Map<string, WebhookCall>();
  for (const c of o.calls) if (c.inbound && typeof c.status === 'number' && c.status < 300) acknowledged.set(`${c.inbound.source}|${c.inbound.eventId}|${c.inbound.match ?? ''}`, c);
  for (const c of acknowledged.values()) {
    const { source, eventId, match } = c.inbound!;
    const rows = await o.pool.query<{ status: string }>(
      source === 'technician'
        ? `SELECT CASE WHEN signalled_at IS NOT NULL THEN 'delivered' ELSE 'pending' END AS status FROM technician_progress WHERE event_id = $1
           UNION ALL SELECT status FROM inbox WHERE source = 'technician' AND event_id = $1`
        : match === 'prefix'
          ? `SELECT status FROM inbox WHERE source = $1 AND starts_with(event_id, $2)`
          : `SELECT status FROM inbox WHERE source = $1 AND event_id = $2`,
      source === 'technician' ? [eventId] : [source, eventId],
    );
    if (!rows.rows.some((r) => r.status === 'delivered' || r.status === 'late')) {
      violations.push({ invariant: 'lost_inbound', at: c.at, detail: `${source} ${eventId} answered ${c.status} but ${rows.rows.length ? `left ${rows.rows.map((r) => r.status).join('/')}` : 'not stored'}` });
    }
  }

  // Sends, as the providers saw them. A message the provider answered is tied to its outbox row by
  // the provider's id: the same message (links aside) twice for one request, purpose and channel is
  // a duplicate (a new offer of other technicians, or a reminder, is another message). A message
  // created behind an ambiguous answer (504, no answer) has no id in the outbox: if the customer
  // also got the same message in a clean send, that is a duplicate too.
  const ids = o.created.map((m) => m.id);
  const outbox = await o.pool.query<{ provider_message_id: string; request_id: string; purpose: string; channel: string; idempotency_key: string }>(
    `SELECT provider_message_id, request_id, purpose, channel, idempotency_key FROM outbox WHERE provider_message_id = ANY($1::text[])`,
    [ids],
  );
  const rowById = new Map(outbox.rows.map((r) => [r.provider_message_id, r]));
  const byMessage = new Map<string, { m: CreatedMessage; key: string }[]>();
  const cleanContent = new Map<string, CreatedMessage>();
  for (const m of o.created) {
    const row = rowById.get(m.id);
    if (!row) continue;
    const key = `${row.request_id} ${row.purpose} ${row.channel}|${withoutTokens(m.content)}`;
    byMessage.set(key, [...(byMessage.get(key) ?? []), { m, key: row.idempotency_key }]);
    cleanContent.set(`${m.to}|${withoutTokens(m.content)}`, m);
  }
  for (const [key, copies] of byMessage) {
    if (copies.length > 1) violations.push({ invariant: 'duplicate_send', at: copies[1]!.m.at, detail: `${copies.length}× ${key.split('|')[0]} (${copies.map((c) => c.key.split(':').slice(1).join(':')).join(', ')})` });
  }
  for (const m of o.created) {
    if (rowById.has(m.id)) continue;
    const twin = cleanContent.get(`${m.to}|${withoutTokens(m.content)}`);
    if (twin) violations.push({ invariant: 'duplicate_send', at: twin.at, detail: `${m.provider} to ${mask(m.to)} created behind a ${m.fault} answer, then sent again: "${withoutTokens(m.content).slice(0, 60)}…"` });
  }

  const grants = await o.pool.query<{ request_id: string; n: number }>(
    `SELECT request_id, count(*)::int AS n FROM loyalty_ledger WHERE kind = 'survey_reply_grant' AND request_id = ANY($1::uuid[]) GROUP BY request_id HAVING count(*) > 1`,
    [o.requestIds],
  );
  for (const g of grants.rows) violations.push({ invariant: 'double_grant', at: o.requestStartedAt(g.request_id), detail: `${g.n} grants for ${g.request_id}` });

  const bookings = await o.pool.query<{ request_id: string; detail: string }>(
    `SELECT request_id, count(*) || ' active bookings' AS detail FROM bookings WHERE status = 'active' AND request_id = ANY($1::uuid[]) GROUP BY request_id HAVING count(*) > 1
     UNION ALL
     SELECT a.request_id, 'overlaps the booking of ' || b.request_id FROM bookings a JOIN bookings b ON a.technician_id = b.technician_id AND a.id < b.id AND a.during && b.during
      WHERE a.status = 'active' AND b.status = 'active' AND a.request_id = ANY($1::uuid[])`,
    [o.requestIds],
  );
  for (const b of bookings.rows) violations.push({ invariant: 'double_booking', at: o.requestStartedAt(b.request_id), detail: `${b.request_id}: ${b.detail}` });

  for (const requestId of o.requestIds) {
    const problems: string[] = [];
    const description = await o.temporal.workflow.getHandle(serviceRequestWorkflowId(requestId)).describe().catch((err: Error) => ({ status: { name: `unknown (${err.message})` } }));
    if (description.status.name !== 'COMPLETED') problems.push(`workflow ${description.status.name}`);
    const row = await o.pool.query<{ status: string; pending: number }>(`SELECT status, (SELECT count(*)::int FROM inbox WHERE request_id = $1 AND status = 'pending') AS pending FROM service_requests WHERE id = $1`, [requestId]);
    if (row.rows[0]?.status !== 'closed') problems.push(`request row ${row.rows[0]?.status ?? 'missing'}`);
    if (row.rows[0]?.pending) problems.push(`${row.rows[0].pending} inbox rows pending`);
    if (problems.length) violations.push({ invariant: 'stuck', at: o.requestStartedAt(requestId), detail: `${requestId}: ${problems.join(', ')}` });
  }

  for (const e of o.exits) {
    if (!e.killedByUs) violations.push({ invariant: 'unexpected_exit', at: e.at, detail: `${e.process} (pid ${e.pid}) exited with ${e.signal ?? `code ${e.code}`}` });
  }
  return violations;
}

function withoutTokens(content: string): string {
  return content.replace(/\/(choose|survey|unsubscribe)\/[\w-]+/g, '/$1/*').replace(/reply\+[\w-]+@/g, 'reply+*@');
}

function mask(to: string): string {
  const at = to.indexOf('@');
  return at > 0 ? `${to[0]}***${to.slice(at)}` : `***${to.slice(-4)}`;
}
