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
  // Technician reports are inbox rows too ("technician", "<technician>:<key>").
  for (const c of acknowledged.values()) {
    const { source, eventId, match } = c.inbound!;
    const rows = await o.pool.query<{ status: string }>(
      source === 'technician'
        ? `SELECT status FROM inbox WHERE source = 'technician' AND 'technician:' || event_id = $1`
        : match === 'prefix'
          ? `SELECT status FROM inbox WHERE source = $1 AND starts_with(event_id, $2)`
          : `SELECT status FROM inbox WHERE source = $1 AND event_id = $2`,
      source === 'technician' ? [eventId] : [source, eventId],
    );
    if (!rows.rows.some((r) => r.status === 'delivered' || r.status === 'late')) {
      violations.push({ invariant: 'lost_inbound', at: c.at, detail: `${source} ${eventId} answered ${c.status} but ${rows.rows.length ? `left ${rows.rows.map((r) => r.status).join('/')}` : 'not stored'}` });
    }
  }

  // Sends, as the providers saw them. Each outbox row (request + purpose + attempt: one offer, one
  // survey, one reminder) may reach the customer once. A clean send is tied to its row by the
  // provider's id. A message created behind an ambiguous answer (504, no answer) has no id in the
  // outbox; if the same row was sent again (same recipient and text, links aside, from a row that
  // already existed, after the ambiguous attempt), the customer got it twice. A new offer after a
  // lost booking race is a new row.
  const ids = o.created.map((m) => m.id);
  const outbox = await o.pool.query<{ provider_message_id: string; idempotency_key: string; created_at: Date }>(
    `SELECT provider_message_id, idempotency_key, created_at FROM outbox WHERE provider_message_id = ANY($1::text[])`,
    [ids],
  );
  const rowById = new Map(outbox.rows.map((r) => [r.provider_message_id, r]));
  const clean = new Map<string, { m: CreatedMessage; row: { idempotency_key: string; created_at: Date } }[]>();
  for (const m of o.created) {
    const row = rowById.get(m.id);
    if (!row) continue;
    const key = `${m.to}|${withoutTokens(m.content)}`;
    clean.set(key, [...(clean.get(key) ?? []), { m, row }]);
  }
  for (const m of o.created) {
    if (rowById.has(m.id)) continue;
    // A resend of the same row comes after the ambiguous attempt, from a row that existed before it;
    // a clean message that went out earlier is an earlier round (a re-offer reads the same, links aside).
    const resent = (clean.get(`${m.to}|${withoutTokens(m.content)}`) ?? []).find((c) => c.row.created_at.getTime() <= m.at.getTime() && c.m.at.getTime() >= m.at.getTime());
    if (resent) {
      violations.push({ invariant: 'duplicate_send', at: resent.m.at, detail: `${m.provider} to ${mask(m.to)} ${resent.row.idempotency_key.split(':').slice(1).join(':')} created behind a ${m.fault} answer, then sent again` });
    }
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
