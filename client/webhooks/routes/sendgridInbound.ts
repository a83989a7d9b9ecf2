import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { findToken } from '../../../activities/messaging/tokens';
import { visibleEmailText } from '../../../domain/classification/emailBody';
import { deliverInbound } from '../inbox/deliver';
import { acceptInbound, trimRaw } from '../inbox/store';
import { htmlToText, messageIdIn, replyTokenIn } from '../parsing/emailReply';
import { emailAnswerOf } from '../parsing/replyRating';
import type { WebhookDeps } from '../server';
import { answerStoredReply } from './replyAnswer';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Compares secrets in constant time (of the hashes, so unequal lengths leak nothing either). */
export function sameSecret(expected: string, given: string): boolean {
  return timingSafeEqual(sha256(expected), sha256(given));
}

/**
 * SendGrid Inbound Parse: an email reply to the survey (multipart, one field per part). The
 * reply-to address `reply+<token>@…` names the request; the quoted survey and signature are cut
 * off, and the customer's own words are stored, then signalled.
 */
export const sendgridInboundRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool, settings } = deps;
    await app.register(multipart, {
      limits: { fileSize: settings.bodyLimitBytes, fieldSize: settings.bodyLimitBytes, files: 20, fields: 50, parts: 80 },
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
      const parsed = await readParts(req);
      if (parsed === 'truncated') return reply.code(413).send({ error: 'a field is larger than the body limit' });
      const { fields, files } = parsed;

      const token = replyTokenIn(`${fields.envelope ?? ''} ${fields.to ?? ''}`, deps.providers?.inboundEmailDomain);
      if (!token) return reply.code(404).send({ error: 'no survey reply address among the recipients' });
      const record = await findToken(pool, token, 'email-reply');
      if (!record) return reply.code(404).send({ error: 'unknown reply address' });
      if (fields.text === undefined && fields.html === undefined) {
        return reply.code(400).send({ error: 'the email has neither a text nor an html part (is "raw" mode on? post parsed fields)' });
      }

      const text = visibleEmailText(fields.text ?? htmlToText(fields.html ?? ''));
      const eventId = messageIdIn(fields.headers ?? '') ?? createHash('sha256').update([token, fields.from, fields.subject, fields.text, fields.html].join('\n')).digest('hex');
      const accepted = await acceptInbound(pool, {
        source: 'sendgrid-inbound',
        eventId,
        requestId: record.requestId,
        kind: 'survey-reply',
        payload: {
          text,
          ...emailAnswerOf(text, fields.text ?? ''),
          raw: trimRaw({ from: fields.from, subject: fields.subject, spam_score: fields.spam_score, SPF: fields.SPF, dkim: fields.dkim, attachments: fields.attachments, attachmentFiles: files }),
        },
      });
      const status = await deliverInbound(deps, accepted.id);
      req.log.info({ inboxId: accepted.id, status }, 'email reply received');
      return answerStoredReply(reply, accepted.id, status);
    });
  };

/** Text fields by name; file parts are read to their end (within the limit) and dropped. */
async function readParts(req: FastifyRequest): Promise<{ fields: Record<string, string>; files: number } | 'truncated'> {
  const fields: Record<string, string> = {};
  let files = 0;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      await part.toBuffer();
      files++;
      continue;
    }
    if (part.valueTruncated) return 'truncated';
    fields[part.fieldname] = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
  }
  return { fields, files };
}
