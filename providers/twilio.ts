import twilio from 'twilio';
import type { ClientOpts } from 'twilio/lib/base/BaseTwilio';
import { PROVIDER_REQUEST_TIMEOUT_MS, type SmsGateway, type VoiceGateway, type WhatsappGateway } from './ports';
import { twilioDeliveryError } from './twilioErrors';
import { surveyCallTwiml } from './twilioTwiml';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  /** Another HTTP client for the SDK (tests point it at a local fake of the Twilio API). */
  httpClient?: ClientOpts['httpClient'];
}

/** The address form of Twilio's WhatsApp channel. */
export const whatsappAddress = (e164: string) => `whatsapp:${e164}`;

/** SMS and WhatsApp through Twilio Messaging and the keypad survey call through Programmable Voice. */
export function createTwilioGateways(options: TwilioOptions): { sms: SmsGateway; voice: VoiceGateway; whatsapp: WhatsappGateway } {
  // No SDK-level retry on 429: the activity's retry policy owns retrying, with the outbox guard.
  const client = twilio(options.accountSid, options.authToken, { httpClient: options.httpClient, autoRetry: false, timeout: PROVIDER_REQUEST_TIMEOUT_MS });

  const sms: SmsGateway = {
    mode: 'live',
    async sendSms(message) {
      try {
        const sent = await client.messages.create({
          to: message.to,
          from: message.from,
          body: message.body,
          ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
        });
        return { providerId: sent.sid };
      } catch (err) {
        throw twilioDeliveryError(err);
      }
    },
  };

  const voice: VoiceGateway = {
    mode: 'live',
    async placeCall(call) {
      try {
        const placed = await client.calls.create({
          to: call.to,
          from: call.from,
          twiml: surveyCallTwiml(call.script),
          statusCallback: call.statusCallbackUrl,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
          timeout: 30,
          // Asynchronous detection lets the greeting start at once; the verdict arrives on its own callback.
          ...(call.machineDetection ? { machineDetection: 'Enable', asyncAmd: 'true', asyncAmdStatusCallback: call.statusCallbackUrl, asyncAmdStatusCallbackMethod: 'POST' } : {}),
        });
        return { providerId: placed.sid };
      } catch (err) {
        throw twilioDeliveryError(err);
      }
    },
  };

  const whatsapp: WhatsappGateway = {
    mode: 'live',
    async sendWhatsapp(message) {
      const content = message.template
        ? { contentSid: message.template.contentSid, contentVariables: JSON.stringify(message.template.variables) }
        : { body: message.body ?? '' };
      try {
        const sent = await client.messages.create({
          to: whatsappAddress(message.to),
          from: whatsappAddress(message.from),
          ...content,
          ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
        });
        return { providerId: sent.sid };
      } catch (err) {
        throw twilioDeliveryError(err);
      }
    },
  };

  return { sms, voice, whatsapp };
}
