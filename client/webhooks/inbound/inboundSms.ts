import { acceptInbound } from '../../../db/queries/inbox';
import { openInboundTask } from '../../../db/queries/agentTasks';
import { customerByMobile } from '../../../db/queries/customers';
import { requestAnsweredBySms } from '../../../db/queries/surveyMessages';
import { inTransaction } from '../../../db/pool';
import { toE164 } from '../../../domain/phone';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { smsKeyword } from '../parsing/smsKeywords';
import { ratingOf } from '../parsing/replyRating';
import { replyCodeIn } from '../parsing/replyCode';
import { captureRequestedEmail } from './emailCapture';
import { answerSmsKeyword } from './smsConsent';

export interface InboundSms {
  from: string;
  body: string;
  messageSid: string;
  raw: Record<string, unknown>;
}

/**
 * An SMS from a customer: a consent keyword, the email address we asked for, or a survey reply,
 * matched to exactly one request (the reply code it carries, else the sender's one open survey).
 * Returns the text to answer with, if any. An SMS nobody asked for is kept (unmatched) for a
 * person to read; a reply that could answer several open surveys also gets an agent task.
 */
export async function acceptInboundSms(deps: DeliveryDeps, sms: InboundSms): Promise<string | undefined> {
  const sender = await customerByMobile(deps.pool, toE164(sms.from) ?? sms.from);
  const keyword = smsKeyword(sms.body);
  if (keyword) return sender ? answerSmsKeyword(deps, sender, keyword) : undefined;
  if (sender && (await captureRequestedEmail(deps, sender, sms.body)) === 'address-only') return undefined;

  const { code, rest } = replyCodeIn(sms.body);
  const match = sender ? await requestAnsweredBySms(deps.pool, sender.customerId, code) : undefined;
  const requestId = match?.requestId ?? null;
  const accepted = await inTransaction(deps.pool, async (db) => {
    const row = await acceptInbound(db, {
      source: 'twilio-sms',
      eventId: sms.messageSid,
      requestId,
      kind: 'survey-reply',
      payload: { text: rest, ...ratingOf(rest), ...(code ? { replyCode: code } : {}), raw: sms.raw },
    });
    if (row.created && sender && match?.requestId === null && match.why === 'ambiguous') {
      await openInboundTask(db, {
        inboxId: row.id,
        kind: 'match_reply',
        centreId: sender.centreId,
        summary: `match an SMS reply to one of customer ${sender.customerId}'s open surveys (${code ? `unknown code ${code}` : 'no reply code'}): "${rest}"`,
      });
    }
    return row;
  });
  // Stored: Twilio gets its answer now and the signal follows. A retry of a stored event adds
  // nothing: the first delivery is under way, or failed and the relay has the row.
  if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  deps.log.info({ inboxId: accepted.id, status: accepted.status, matchedBy: match && 'by' in match ? match.by : undefined }, 'sms reply received');
  return undefined;
}
