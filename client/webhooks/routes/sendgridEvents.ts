import type { FastifyPluginAsync } from 'fastify';
import { createSendGridEventVerifier, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from '../../../providers/sendgridEvents';
import { acceptEmailEvent, type SendGridEvent } from '../inbound/emailEvents';
import type { WebhookDeps } from '../server';

const DEFAULT_EVENT_MAX_AGE_MS = 10 * 60_000;

/**
 * SendGrid Event Webhook (signed, recent): each event goes to acceptEmailEvent (bounces, drops,
 * spam reports, unsubscribes); the others change nothing.
 */
export const sendgridEventRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const publicKey = deps.providers?.sendgridEventPublicKey;
    const verify = publicKey ? createSendGridEventVerifier(publicKey) : undefined;
    const maxAgeMs = deps.providers?.sendgridEventMaxAgeMs ?? DEFAULT_EVENT_MAX_AGE_MS;
    // The signature covers the exact bytes sent, so this plugin (only) keeps JSON bodies raw.
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post('/webhooks/sendgrid/events', async (req, reply) => {
      if (!verify) {
        req.log.error('Event Webhook called but SENDGRID_EVENT_PUBLIC_KEY is not configured');
        return reply.code(503).send({ error: 'email events are not configured' });
      }
      const signature = req.headers[SENDGRID_SIGNATURE_HEADER];
      const timestamp = req.headers[SENDGRID_TIMESTAMP_HEADER];
      if (typeof signature !== 'string' || typeof timestamp !== 'string') return reply.code(401).send({ error: 'missing event webhook signature' });
      const raw = req.body;
      if (!Buffer.isBuffer(raw)) return reply.code(415).send({ error: 'events are posted as application/json' });
      if (!verify(raw, signature, timestamp)) {
        req.log.warn('Event Webhook with a wrong signature');
        return reply.code(403).send({ error: 'invalid event webhook signature' });
      }
      // The signature covers the timestamp, so an old one is a recorded post being played again.
      const ageMs = deps.clock().getTime() - Number(timestamp) * 1000;
      if (!Number.isFinite(ageMs) || Math.abs(ageMs) > maxAgeMs) {
        req.log.warn({ ageMs }, 'Event Webhook with a stale timestamp');
        return reply.code(403).send({ error: `event webhook timestamp is more than ${Math.round(maxAgeMs / 1000)} s away from now` });
      }
      let events: unknown;
      try {
        events = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: 'body is not JSON' });
      }
      if (!Array.isArray(events)) return reply.code(400).send({ error: 'expected a JSON array of events' });

      let acted = 0;
      for (const event of events as SendGridEvent[]) {
        if (await acceptEmailEvent(deps, event)) acted++;
      }
      req.log.info({ events: events.length, acted }, 'email events received');
      return reply.code(200).send({ received: events.length, acted });
    });

  };
