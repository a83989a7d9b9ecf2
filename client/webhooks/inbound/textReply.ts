import { openInboundTask } from '../../../db/queries/agentTasks';
import type { SmsSender } from '../../../db/queries/customers';
import { acceptInbound, type InboxSource } from '../../../db/queries/inbox';
import { inTransaction } from '../../../db/pool';
import { requestAnsweredByText } from '../../../db/queries/surveyMessages';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { ratingOf } from '../parsing/replyRating';
import { replyCodeIn } from '../parsing/replyCode';

export interface TextReply {
  channel: 'sms' | 'whatsapp';
  /** The inbox source (the provider's webhook it came through). */
  source: InboxSource;
  eventId: string;
  /** Undefined for a number we do not know: the reply is kept unmatched for a person. */
  sender: SmsSender | undefined;
  body: string;
  raw: Record<string, unknown>;
}

const CHANNEL_NAMES = { sms: 'an SMS', whatsapp: 'a WhatsApp' } as const;

/**
 * A survey reply by SMS or WhatsApp, matched to exactly one request: the reply code it carries,
 * else the sender's one open survey on that channel. A reply that could answer several open
 * surveys is stored unmatched with an agent task; nothing is credited to a guess. The reply is
 * stored before the provider is answered and signalled after (a retry of a stored event adds
 * nothing: the first delivery is under way, or failed and the relay has the row).
 */
export async function acceptTextReply(deps: DeliveryDeps, reply: TextReply): Promise<void> {
  const { code, rest } = replyCodeIn(reply.body);
  const { sender } = reply;
  const match = sender ? await requestAnsweredByText(deps.pool, sender.customerId, reply.channel, code) : undefined;
  const accepted = await inTransaction(deps.pool, async (db) => {
    const row = await acceptInbound(db, {
      source: reply.source,
      eventId: reply.eventId,
      requestId: match?.requestId ?? null,
      kind: 'survey-reply',
      payload: { text: rest, ...ratingOf(rest), ...(code ? { replyCode: code } : {}), raw: reply.raw },
    });
    if (row.created && sender && match?.requestId === null && match.why === 'ambiguous') {
      await openInboundTask(db, {
        inboxId: row.id,
        kind: 'match_reply',
        centreId: sender.centreId,
        summary: `match ${CHANNEL_NAMES[reply.channel]} reply to one of customer ${sender.customerId}'s open surveys (${code ? `unknown code ${code}` : 'no reply code'}): "${rest}"`,
      });
    }
    return row;
  });
  if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  deps.log.info({ inboxId: accepted.id, status: accepted.status, channel: reply.channel, matchedBy: match && 'by' in match ? match.by : undefined }, 'text reply received');
}
