import { acceptInbound } from '../../../db/queries/inbox';
import { customerByMobile } from '../../../db/queries/customers';
import { toE164 } from '../../../domain/phone';
import { deliverAfterAnswer, type DeliveryDeps } from '../inbox/deliver';
import { smsKeyword } from '../parsing/smsKeywords';
import { ratingOf } from '../parsing/replyRating';
import { captureRequestedEmail } from './emailCapture';
import { answerSmsKeyword } from './smsConsent';

export interface InboundSms {
  from: string;
  body: string;
  messageSid: string;
  raw: Record<string, unknown>;
}

/**
 * An SMS from a customer: a consent keyword, the email address we asked for, or a survey reply
 * (matched by the sender's number to their latest survey SMS). Returns the text to answer with,
 * if any. An SMS nobody asked for is kept (unmatched) for a person to read.
 */
export async function acceptInboundSms(deps: DeliveryDeps, sms: InboundSms): Promise<string | undefined> {
  const sender = await customerByMobile(deps.pool, toE164(sms.from) ?? sms.from);
  const keyword = smsKeyword(sms.body);
  if (keyword) return sender ? answerSmsKeyword(deps, sender, keyword) : undefined;
  if (sender && (await captureRequestedEmail(deps, sender, sms.body)) === 'address-only') return undefined;

  const requestId = sender?.surveyRequestId ?? null;
  const accepted = await acceptInbound(deps.pool, {
    source: 'twilio-sms',
    eventId: sms.messageSid,
    requestId,
    kind: 'survey-reply',
    payload: { text: sms.body, ...ratingOf(sms.body), raw: sms.raw },
  });
  // Stored: Twilio gets its answer now and the signal follows. A retry of a stored event adds
  // nothing: the first delivery is under way, or failed and the relay has the row.
  if (accepted.created && accepted.status === 'pending') deliverAfterAnswer(deps, accepted.id);
  deps.log.info({ inboxId: accepted.id, status: accepted.status }, 'sms reply received');
  return undefined;
}
