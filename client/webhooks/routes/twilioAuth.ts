import type { FastifyReply, FastifyRequest } from 'fastify';
import { isValidTwilioSignature } from '../../../providers/twilioSignature';

/**
 * Rejects any request not signed by Twilio with our auth token. The signature covers the public
 * URL Twilio called, so it is checked against the configured base URL plus the original path, not
 * the host this process sees behind the proxy. Nothing is read or stored before this passes.
 */
export function requireTwilioSignature(authToken: string | undefined, publicBaseUrl: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!authToken) {
      req.log.error('Twilio webhook called but TWILIO_AUTH_TOKEN is not configured');
      return reply.code(503).send({ error: 'twilio webhooks are not configured' });
    }
    const signature = req.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || signature === '') {
      req.log.warn({ url: req.url }, 'Twilio webhook without signature');
      return reply.code(401).send({ error: 'missing X-Twilio-Signature' });
    }
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (!isValidTwilioSignature(authToken, signature, `${publicBaseUrl}${req.url}`, params)) {
      req.log.warn({ url: req.url }, 'Twilio webhook with a wrong signature');
      return reply.code(403).send({ error: 'invalid X-Twilio-Signature' });
    }
  };
}

/** Twilio posts every parameter as a string; a missing one is the empty string here. */
export function param(req: FastifyRequest, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
