import type { SmsSender } from '../../../db/queries/customers';
import type { InboxSource } from '../../../db/queries/inbox';
import { takeTextReply } from '../../../db/queries/textReplyIntake';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { ratingOf } from '../parsing/replyRating';
import { replyCodeIn } from '../parsing/replyCode';

export interface TextReply {
  channel: 'sms' | 'whatsapp';
  /** The inbox source (the provider's webhook it came through). */
  source: InboxSource;
  eventId: string;
  /** The sender's E.164 number (or the address as given, when it is not a number). */
  mobile: string;
  body: string;
  raw: Record<string, unknown>;
}

const CHANNEL_NAMES = { sms: 'an SMS', whatsapp: 'a WhatsApp' } as const;

/**
 * A survey reply by SMS or WhatsApp, matched to exactly one request: the reply code it carries,
 * else the sender's one open survey on that channel. A reply that could answer several open
 * surveys is stored unmatched with an agent task; nothing is credited to a guess. The sender, the
 * match, the reply and the task are one statement, so the provider is answered after one round trip
 * to PostgreSQL; the signal goes after the answer (a retry of a stored event adds nothing: the first
 * delivery is under way, or failed and the relay has the row).
 */
export async function acceptTextReply(deps: DeliveryDeps, reply: TextReply): Promise<SmsSender | undefined> {
  const { code, rest } = replyCodeIn(reply.body);
  const payload = { text: rest, ...ratingOf(rest), ...(code ? { replyCode: code } : {}), raw: reply.raw };
  const taken = await takeTextReply(deps.pool, {
    mobile: reply.mobile,
    channel: reply.channel,
    source: reply.source,
    eventId: reply.eventId,
    replyCode: code,
    payload,
    taskSummary: {
      before: `match ${CHANNEL_NAMES[reply.channel]} reply to one of customer `,
      after: `'s open surveys (${code ? `unknown code ${code}` : 'no reply code'}): "${rest}"`,
    },
  });
  const { inbox } = taken;
  if (inbox.created && inbox.status === 'pending') {
    // The row as stored, so the delivery after the answer need not read it back.
    deliverAfterAnswer(deps, inbox.id, {
      id: inbox.id,
      source: reply.source,
      eventId: reply.eventId,
      requestId: inbox.requestId,
      kind: 'survey-reply',
      payload,
      status: inbox.status,
      receivedAt: inbox.receivedAt,
      requestStatus: taken.requestClosed ? 'closed' : null,
    });
  }
  deps.log.info({ inboxId: inbox.id, status: inbox.status, channel: reply.channel, matchedBy: taken.match }, 'text reply received');
  return taken.sender;
}
