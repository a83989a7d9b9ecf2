import { withdrawConsent } from '../../../db/queries/consent';
import { acceptInbound } from '../../../db/queries/inbox';
import { requestCustomer } from '../../../db/queries/surveyMessages';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { trimRaw } from '../parsing/rawPayload';

export interface SendGridEvent {
  event?: unknown;
  sg_event_id?: unknown;
  sg_message_id?: unknown;
  type?: unknown;
  reason?: unknown;
  /** Our custom args come back as top-level fields. */
  requestId?: unknown;
  purpose?: unknown;
  [key: string]: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ACTED_ON = ['bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe'];

/**
 * One Event Webhook event: a bounce or drop of the survey email moves the survey to the other
 * channel; a spam report, unsubscribe or hard bounce withdraws email consent. Other events
 * (processed, delivered, open, click) change nothing. True when the event changed something. The
 * delivery-failed row is stored before SendGrid is answered and signalled after the answer.
 */
export async function acceptEmailEvent(deps: DeliveryDeps, e: SendGridEvent): Promise<boolean> {
  // A signed batch may still hold entries that are not objects (null, a number): nothing to act on.
  if (typeof e !== 'object' || e === null) return false;
  const kind = typeof e.event === 'string' ? e.event : '';
  if (!ACTED_ON.includes(kind)) return false;
  if (typeof e.requestId !== 'string' || !UUID.test(e.requestId) || typeof e.sg_event_id !== 'string') return false;
  const customerId = await requestCustomer(deps.pool, e.requestId);
  if (!customerId) return false;
  const reason = typeof e.reason === 'string' ? e.reason : kind;
  // A "blocked" bounce is the receiving server's mood today, not a dead address.
  const deadAddress = kind === 'bounce' && e.type !== 'blocked';
  if (deadAddress || kind === 'dropped' || kind === 'spamreport' || kind.endsWith('unsubscribe')) {
    await withdrawConsent(deps.pool, customerId, 'email', `email ${kind}: ${reason}`);
  }
  if ((kind === 'bounce' || kind === 'dropped') && e.purpose === 'survey') {
    const accepted = await acceptInbound(deps.pool, {
      source: 'sendgrid-event',
      eventId: e.sg_event_id,
      requestId: e.requestId,
      kind: 'delivery-failed',
      payload: { channel: 'email', reason: `email ${kind}: ${reason}`.slice(0, 300), raw: trimRaw(e as Record<string, unknown>, 500) },
    });
    // Signalled after SendGrid has its answer; a repeat of a stored event adds nothing.
    if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  }
  return true;
}
