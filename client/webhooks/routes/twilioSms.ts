import type { FastifyPluginAsync } from 'fastify';
import { render } from '../../../domain/messageTemplates';
import { toE164 } from '../../../domain/phone';
import { messagingTwiml } from '../../../providers/twilioTwiml';
import { deliverInbound } from '../inbox/deliver';
import { acceptInbound } from '../../../db/queries/inbox';
import { trimRaw } from '../parsing/rawPayload';
import { emailAddressIn, smsKeyword, TWILIO_HANDLED } from '../parsing/smsKeywords';
import { ratingOf } from '../parsing/replyRating';
import type { WebhookDeps } from '../server';
import { param, requireTwilioSignature } from './twilioAuth';

interface Sender {
  id: string;
  language: 'ko' | 'en';
  email_requested: boolean;
  centre: string;
  reply_phone: string;
}

/**
 * Inbound SMS (survey replies, STOP/START/HELP, an email address when we asked for one) and the
 * delivery status of the SMS we sent. Replies are found by the sender's number and that
 * customer's latest survey SMS whose request is still open.
 */
export const twilioSmsRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool, settings } = deps;
    app.addHook('preHandler', requireTwilioSignature(deps.providers?.twilioAuthToken, settings.publicBaseUrl));

    app.post('/webhooks/twilio/sms', async (req, reply) => {
      const from = param(req, 'From');
      const body = param(req, 'Body');
      const messageSid = param(req, 'MessageSid') || param(req, 'SmsMessageSid');
      if (!from || !messageSid) return reply.code(400).send({ error: 'From and MessageSid are required' });
      const mobile = toE164(from) ?? from;
      const sender = (
        await pool.query<Sender>(
          `SELECT c.id, c.language, c.email_requested, sc.name AS centre, sc.reply_phone
             FROM customers c JOIN areas a ON a.code = c.area_code JOIN service_centres sc ON sc.id = a.service_centre_id
            WHERE c.mobile = $1`,
          [mobile],
        )
      ).rows[0];
      reply.type('text/xml');

      const keyword = smsKeyword(body);
      if (keyword) {
        if (!sender) return messagingTwiml();
        const answer = (text: string) => messagingTwiml(TWILIO_HANDLED.has(keyword.word) && keyword.keyword !== 'help' ? undefined : text);
        if (keyword.keyword === 'stop') {
          await pool.query(
            `INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, 'sms', $2) ON CONFLICT (customer_id, channel) DO NOTHING`,
            [sender.id, `sms keyword ${keyword.word}`],
          );
          req.log.info({ customerId: sender.id }, 'sms: customer opted out');
          return answer(render(sender.language, 'smsStopped', {}));
        }
        if (keyword.keyword === 'start') {
          await pool.query(`DELETE FROM contact_opt_outs WHERE customer_id = $1 AND channel = 'sms'`, [sender.id]);
          return answer(render(sender.language, 'smsStarted', {}));
        }
        return messagingTwiml(render(sender.language, 'smsHelp', { centre: sender.centre, replyPhone: sender.reply_phone }));
      }

      const email = sender?.email_requested ? emailAddressIn(body) : undefined;
      if (sender && email) {
        // KR claims 16-17: a registered customer without an email address was asked for one.
        await pool.query(`UPDATE customers SET email = $2, email_requested = false, updated_at = now() WHERE id = $1`, [sender.id, email]);
        req.log.info({ customerId: sender.id }, 'sms: email address stored for customer');
        // "4, good job — kim@mail.example" is an answer too: only a bare address ends here.
        const rest = body.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), '');
        if (rest.replace(/[\s,.;:!?()<>\-–—]/g, '') === '') return messagingTwiml();
      }

      const requestId = sender
        ? ((
            await pool.query<{ id: string }>(
              `SELECT r.id FROM outbox o JOIN service_requests r ON r.id = o.request_id
                WHERE r.customer_id = $1 AND o.channel = 'sms' AND o.purpose = 'survey'
                  -- pending: the send was interrupted after the provider may have taken it, and the
                  -- workflow waits for a reply to it all the same
                  AND o.status IN ('sent', 'pending')
                ORDER BY (r.status <> 'closed') DESC, o.created_at DESC LIMIT 1`,
              [sender.id],
            )
          ).rows[0]?.id ?? null)
        : null;
      const accepted = await acceptInbound(pool, {
        source: 'twilio-sms',
        eventId: messageSid,
        requestId,
        kind: 'survey-reply',
        payload: { text: body, ...ratingOf(body), raw: trimRaw(req.body as Record<string, unknown>) },
      });
      const status = await deliverInbound(deps, accepted.id);
      // An SMS nobody asked for is kept (unmatched) for a person to read; Twilio needs no error.
      req.log.info({ inboxId: accepted.id, status }, 'sms reply received');
      return messagingTwiml();
    });

    app.post('/webhooks/twilio/sms/status', async (req, reply) => {
      const messageSid = param(req, 'MessageSid');
      const status = param(req, 'MessageStatus');
      if (!messageSid || !status) return reply.code(400).send({ error: 'MessageSid and MessageStatus are required' });
      if (status !== 'failed' && status !== 'undelivered') return reply.code(204).send();
      const sent = (
        await pool.query<{ request_id: string | null; purpose: string; customer_id: string | null }>(
          `SELECT o.request_id, o.purpose, r.customer_id FROM outbox o LEFT JOIN service_requests r ON r.id = o.request_id WHERE o.provider_message_id = $1`,
          [messageSid],
        )
      ).rows[0];
      if (!sent) return reply.code(404).send({ error: 'unknown message' });
      const errorCode = param(req, 'ErrorCode');
      if (errorCode === '21610' && sent.customer_id) {
        // The carrier says this number sent STOP: the stored consent follows.
        await pool.query(`INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, 'sms', 'carrier: unsubscribed') ON CONFLICT DO NOTHING`, [sent.customer_id]);
      }
      await pool.query(`UPDATE outbox SET error = $2 WHERE provider_message_id = $1`, [messageSid, `${status}${errorCode ? ` (${errorCode})` : ''}`]);
      if (sent.purpose === 'survey' && sent.request_id) {
        const accepted = await acceptInbound(pool, {
          source: 'twilio-sms-status',
          eventId: `${messageSid}:${status}`,
          requestId: sent.request_id,
          kind: 'delivery-failed',
          payload: { channel: 'sms', reason: `sms ${status}${errorCode ? ` (twilio ${errorCode})` : ''}`, raw: trimRaw(req.body as Record<string, unknown>) },
        });
        await deliverInbound(deps, accepted.id);
      }
      return reply.code(204).send();
    });
  };
