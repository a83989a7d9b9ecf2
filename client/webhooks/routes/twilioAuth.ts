import type { FastifyReply, FastifyRequest } from 'fastify';
import { TWILIO_CONNECTION_OVERRIDES } from '../../../providers/twilioCallbackUrl';
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
    const url = `${publicBaseUrl}${req.url}`;
    // Our callback URLs carry Twilio's connection overrides as a fragment, which is never sent back;
    // the signature is accepted over the URL as called, or as we gave it (with the fragment).
    const valid = isValidTwilioSignature(authToken, signature, url, params) || isValidTwilioSignature(authToken, signature, `${url}#${TWILIO_CONNECTION_OVERRIDES}`, params);
    if (!valid) {
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

/** A parameter of our own callback URL's query (covered by the signature), if it is one string. */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
