import { grantOptIn, withdrawMarketing, withdrawOptIn } from '../../../db/queries/consent';
import { customerByMobile, type SmsSender } from '../../../db/queries/customers';
import { recordWhatsappInbound } from '../../../db/queries/whatsapp';
import { render } from '../../../domain/messageTemplates';
import { toE164 } from '../../../domain/phone';
import type { DeliveryDeps } from '../inbox/deliver';
import { smsKeyword, type SmsKeyword } from '../parsing/smsKeywords';
import { acceptTextReply } from './textReply';

export interface InboundWhatsapp {
  /** Twilio's address form, `whatsapp:+8210…`. */
  from: string;
  body: string;
  messageSid: string;
  raw: Record<string, unknown>;
}

/** The E.164 number of a `whatsapp:` address (undefined when it is not one). */
export function whatsappNumber(address: string): string | undefined {
  const match = /^whatsapp:(\+?\d[\d\s-]*)$/i.exec(address.trim());
  return match ? toE164(match[1]!) : undefined;
}

/**
 * A WhatsApp message from a customer. It opens (or renews) their 24-hour session, then it is a
 * consent keyword or a survey reply, matched to exactly one request as an SMS reply is (the reply
 * code, else the one open WhatsApp survey) and classified and rewarded like one. A message nobody asked for is kept (unmatched) for a person.
 * Returns the text to answer with, if any.
 */
export async function acceptInboundWhatsapp(deps: DeliveryDeps & { clock: () => Date }, message: InboundWhatsapp): Promise<string | undefined> {
  const number = whatsappNumber(message.from);
  const sender = number ? await customerByMobile(deps.pool, number) : undefined;
  if (sender) await recordWhatsappInbound(deps.pool, sender.customerId, deps.clock());
  const keyword = smsKeyword(message.body);
  if (keyword) return sender ? answerWhatsappKeyword(deps, sender, keyword) : undefined;

  await acceptTextReply(deps, { channel: 'whatsapp', source: 'twilio-whatsapp', eventId: message.messageSid, mobile: number ?? message.from, body: message.body, raw: message.raw });
  return undefined;
}

/**
 * STOP ends WhatsApp and advertisements both; START opts back in to WhatsApp (the customer asks
 * for it in writing); 광고거부 / STOP ADS ends advertisements only. Twilio does not answer these
 * on WhatsApp, so we always do.
 */
async function answerWhatsappKeyword(deps: DeliveryDeps, sender: SmsSender, keyword: { keyword: SmsKeyword; word: string }): Promise<string> {
  const reason = `whatsapp keyword ${keyword.word}`;
  switch (keyword.keyword) {
    case 'stop':
      await withdrawOptIn(deps.pool, sender.customerId, ['whatsapp', 'marketing', 'marketing_night'], reason);
      deps.log.info({ customerId: sender.customerId }, 'whatsapp: customer opted out');
      return render(sender.language, 'whatsappStopped', {});
    case 'start':
      await grantOptIn(deps.pool, sender.customerId, 'whatsapp', reason);
      return render(sender.language, 'whatsappStarted', {});
    case 'stop-ads':
      await withdrawMarketing(deps.pool, sender.customerId, reason);
      return render(sender.language, 'marketingStopped', {});
    case 'help':
      return render(sender.language, 'smsHelp', { centre: sender.centre, replyPhone: sender.replyPhone });
  }
}
