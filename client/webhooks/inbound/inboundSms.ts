import { customerByMobile } from '../../../db/queries/customers';
import { toE164 } from '../../../domain/phone';
import type { DeliveryDeps } from '../inbox/deliver';
import { emailAddressIn, smsKeyword } from '../parsing/smsKeywords';
import { captureRequestedEmail } from './emailCapture';
import { answerSmsKeyword } from './smsConsent';
import { acceptTextReply } from './textReply';

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
  const mobile = toE164(sms.from) ?? sms.from;
  const keyword = smsKeyword(sms.body);
  // A keyword or an email address needs the sender first; a plain reply is one statement.
  if (keyword || emailAddressIn(sms.body)) {
    const sender = await customerByMobile(deps.pool, mobile);
    if (keyword) return sender ? answerSmsKeyword(deps, sender, keyword) : undefined;
    if (sender && (await captureRequestedEmail(deps, sender, sms.body)) === 'address-only') return undefined;
  }

  await acceptTextReply(deps, { channel: 'sms', source: 'twilio-sms', eventId: sms.messageSid, mobile, body: sms.body, raw: sms.raw });
  return undefined;
}
