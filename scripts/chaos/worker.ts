import { createSendGridGateway } from '../../providers/sendgrid';
// Our Twilio gateway module, not the SDK (the rule's pattern matches the file name): the real SDK
// inside it is pointed at the fake API.
// eslint-disable-next-line no-restricted-imports
import { createTwilioGateways } from '../../providers/twilio';
import { runWorkerProcess } from '../../worker/run';
import { twilioHttpClientFor } from './fakeProviders';

/**
 * A worker exactly as in production, except that the real Twilio and SendGrid SDKs talk to the
 * chaos suite's fake provider APIs (CHAOS_PROVIDER_URL) instead of the Internet.
 */
const providerUrl = process.env.CHAOS_PROVIDER_URL;
if (!providerUrl) throw new Error('CHAOS_PROVIDER_URL is not set: this worker is started by scripts/chaos/run.ts');

runWorkerProcess({
  gateways: (config) => {
    if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.SENDGRID_API_KEY) throw new Error('the chaos worker needs fake Twilio and SendGrid credentials');
    const httpClient = twilioHttpClientFor(providerUrl) as unknown as Parameters<typeof createTwilioGateways>[0]['httpClient'];
    const twilio = createTwilioGateways({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, httpClient });
    return { sms: twilio.sms, voice: twilio.voice, whatsapp: twilio.whatsapp, email: createSendGridGateway({ apiKey: config.SENDGRID_API_KEY, baseUrl: providerUrl }) };
  },
}).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
