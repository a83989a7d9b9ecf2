import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Gateways } from './ports';
import { createSandboxGateways } from './sandbox';
import { createSendGridGateway } from './sendgrid';
import { createTwilioGateways } from './twilio';

/** Live providers where credentials are configured; the recording sandbox where they are not. */
export function createGateways(config: Config, log: Logger): Gateways {
  const sandbox = createSandboxGateways(log);
  const twilio =
    config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN
      ? createTwilioGateways({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN })
      : undefined;
  const email = config.SENDGRID_API_KEY ? createSendGridGateway({ apiKey: config.SENDGRID_API_KEY }) : sandbox.email;
  log.info({ twilio: twilio ? 'live' : 'sandbox', sendgrid: email.mode }, 'message providers');
  return { sms: twilio?.sms ?? sandbox.sms, email, voice: twilio?.voice ?? sandbox.voice, whatsapp: twilio?.whatsapp ?? sandbox.whatsapp };
}
