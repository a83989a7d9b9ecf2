import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { acceptEmailReply } from '../inbound/emailReply';
import { readInboundParse } from '../parsing/inboundParse';
import type { WebhookDeps } from '../server';
import { answerStoredReply } from './replyAnswer';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Compares secrets in constant time (of the hashes, so unequal lengths leak nothing either). */
export function sameSecret(expected: string, given: string): boolean {
  return timingSafeEqual(sha256(expected), sha256(given));
}

/**
 * SendGrid Inbound Parse: an email reply to the survey (multipart, one field per part). SendGrid
 * retries a 5xx and drops anything else for good, so whatever it delivers is stored and answered
 * 2xx; only a wrong secret (not SendGrid) or an unconfigured secret is refused.
 */
export const sendgridInboundRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { settings } = deps;
    await app.register(multipart, {
      // Attachments are read to their end and dropped (never a size error); a text field is cut at the limit.
      throwFileSizeLimit: false,
      limits: { fileSize: settings.bodyLimitBytes, fieldSize: settings.bodyLimitBytes, files: 100, fields: 100, parts: 300 },
    });

    app.post<{ Params: { secret: string } }>('/webhooks/sendgrid/inbound/:secret', async (req, reply) => {
      const configured = deps.providers?.sendgridInboundSecret;
      if (!configured) {
        req.log.error('Inbound Parse called but SENDGRID_INBOUND_SECRET is not configured');
        return reply.code(503).send({ error: 'inbound email is not configured' });
      }
      if (!sameSecret(configured, req.params.secret)) {
        req.log.warn('Inbound Parse with a wrong secret');
        return reply.code(403).send({ error: 'forbidden' });
      }
      if (!req.isMultipart()) return reply.code(415).send({ error: 'Inbound Parse posts multipart/form-data' });
      const body = await readInboundParse(req);
      const { inboxId, status } = await acceptEmailReply({ ...deps, inboundEmailDomain: deps.providers?.inboundEmailDomain }, body);
      req.log.info({ inboxId, status, attachments: body.attachments.length }, 'email reply received');
      return answerStoredReply(reply, inboxId, status);
    });
  };
