import type { FastifyPluginAsync } from 'fastify';
import { messagingTwiml } from '../../../providers/twilioTwiml';
import { acceptInboundSms } from '../inbound/inboundSms';
import { acceptSmsStatus } from '../inbound/smsStatus';
import { trimRaw } from '../parsing/rawPayload';
import type { WebhookDeps } from '../server';
import { param, queryParam, requireTwilioSignature } from './twilioAuth';

/**
 * Inbound SMS (survey replies, STOP/START/HELP, an email address when we asked for one) and the
 * delivery status of the SMS we sent. Parse, call one function, answer.
 */
export const twilioSmsRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.addHook('preHandler', requireTwilioSignature(deps.providers?.twilioAuthToken, deps.settings.publicBaseUrl));

    app.post('/webhooks/twilio/sms', async (req, reply) => {
      const from = param(req, 'From');
      const messageSid = param(req, 'MessageSid') || param(req, 'SmsMessageSid');
      if (!from || !messageSid) return reply.code(400).send({ error: 'From and MessageSid are required' });
      const answer = await acceptInboundSms(deps, { from, body: param(req, 'Body'), messageSid, raw: trimRaw(req.body as Record<string, unknown>) });
      return reply.type('text/xml').send(messagingTwiml(answer));
    });

    app.post('/webhooks/twilio/sms/status', async (req, reply) => {
      const messageSid = param(req, 'MessageSid');
      const status = param(req, 'MessageStatus');
      if (!messageSid || !status) return reply.code(400).send({ error: 'MessageSid and MessageStatus are required' });
      const result = await acceptSmsStatus(deps, {
        messageSid,
        status,
        errorCode: param(req, 'ErrorCode'),
        raw: trimRaw(req.body as Record<string, unknown>),
        requestId: queryParam(req, 'requestId'),
        purpose: queryParam(req, 'purpose'),
      });
      if (result === 'unknown') return reply.code(404).send({ error: 'unknown message' });
      return reply.code(204).send();
    });
  };
