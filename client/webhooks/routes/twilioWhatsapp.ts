import type { FastifyPluginAsync } from 'fastify';
import { messagingTwiml } from '../../../providers/twilioTwiml';
import { acceptInboundWhatsapp } from '../inbound/inboundWhatsapp';
import { acceptSmsStatus } from '../inbound/smsStatus';
import { trimRaw } from '../parsing/rawPayload';
import type { WebhookDeps } from '../server';
import { param, queryParam, requireTwilioSignature } from './twilioAuth';

/**
 * Inbound WhatsApp messages (survey replies, STOP/START/HELP, 광고거부) and the delivery status of
 * the WhatsApp messages we sent: the same Twilio Messages webhooks as SMS, signed the same way,
 * with `whatsapp:` addresses. Parse, call one function, answer.
 */
export const twilioWhatsappRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.addHook('preHandler', requireTwilioSignature(deps.providers?.twilioAuthToken, deps.settings.publicBaseUrl));

    app.post('/webhooks/twilio/whatsapp', async (req, reply) => {
      const from = param(req, 'From');
      const messageSid = param(req, 'MessageSid') || param(req, 'SmsMessageSid');
      if (!from.toLowerCase().startsWith('whatsapp:') || !messageSid) return reply.code(400).send({ error: 'From (a whatsapp: address) and MessageSid are required' });
      const answer = await acceptInboundWhatsapp(deps, { from, body: param(req, 'Body'), messageSid, raw: trimRaw(req.body as Record<string, unknown>) });
      return reply.type('text/xml').send(messagingTwiml(answer));
    });

    app.post('/webhooks/twilio/whatsapp/status', async (req, reply) => {
      const messageSid = param(req, 'MessageSid');
      const status = param(req, 'MessageStatus');
      if (!messageSid || !status) return reply.code(400).send({ error: 'MessageSid and MessageStatus are required' });
      const result = await acceptSmsStatus(
        deps,
        { messageSid, status, errorCode: param(req, 'ErrorCode'), raw: trimRaw(req.body as Record<string, unknown>), requestId: queryParam(req, 'requestId'), purpose: queryParam(req, 'purpose') },
        'whatsapp',
      );
      if (result === 'unknown') return reply.code(404).send({ error: 'unknown message' });
      return reply.code(204).send();
    });
  };
