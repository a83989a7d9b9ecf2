import type { FastifyPluginAsync } from 'fastify';
import { createSendGridEventVerifier, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from '../../../providers/sendgridEvents';
import { deliverInbound } from '../inbox/deliver';
import { acceptInbound, trimRaw } from '../inbox/store';
import type { WebhookDeps } from '../server';

interface SendGridEvent {
  event?: unknown;
  sg_event_id?: unknown;
  sg_message_id?: unknown;
  type?: unknown;
  reason?: unknown;
  /** Our custom args come back as top-level fields. */
  requestId?: unknown;
  purpose?: unknown;
  [key: string]: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SendGrid Event Webhook (signed): a bounce or drop of the survey email moves the survey to the
 * other channel; a spam report, unsubscribe or hard bounce withdraws email consent. Other events
 * (processed, delivered, open, click) change nothing here.
 */
export const sendgridEventRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    const { pool } = deps;
    const publicKey = deps.providers?.sendgridEventPublicKey;
    const verify = publicKey ? createSendGridEventVerifier(publicKey) : undefined;
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
      let events: unknown;
      try {
        events = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply.code(400).send({ error: 'body is not JSON' });
      }
      if (!Array.isArray(events)) return reply.code(400).send({ error: 'expected a JSON array of events' });

      let acted = 0;
      for (const event of events as SendGridEvent[]) {
        if (await handleEvent(deps, event)) acted++;
      }
      req.log.info({ events: events.length, acted }, 'email events received');
      return reply.code(200).send({ received: events.length, acted });
    });

    async function handleEvent(d: WebhookDeps, e: SendGridEvent): Promise<boolean> {
      // A signed batch may still hold entries that are not objects (null, a number): nothing to act on.
      if (typeof e !== 'object' || e === null) return false;
      const kind = typeof e.event === 'string' ? e.event : '';
      if (!['bounce', 'dropped', 'spamreport', 'unsubscribe', 'group_unsubscribe'].includes(kind)) return false;
      if (typeof e.requestId !== 'string' || !UUID.test(e.requestId) || typeof e.sg_event_id !== 'string') return false;
      const request = (await pool.query<{ customer_id: string }>('SELECT customer_id FROM service_requests WHERE id = $1', [e.requestId])).rows[0];
      if (!request) return false;
      const reason = typeof e.reason === 'string' ? e.reason : kind;
      // A "blocked" bounce is the receiving server's mood today, not a dead address.
      const deadAddress = kind === 'bounce' && e.type !== 'blocked';
      if (deadAddress || kind === 'dropped' || kind === 'spamreport' || kind.endsWith('unsubscribe')) {
        await pool.query(
          `INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, 'email', $2) ON CONFLICT (customer_id, channel) DO NOTHING`,
          [request.customer_id, `email ${kind}: ${reason}`.slice(0, 200)],
        );
      }
      if ((kind === 'bounce' || kind === 'dropped') && e.purpose === 'survey') {
        const accepted = await acceptInbound(pool, {
          source: 'sendgrid-event',
          eventId: e.sg_event_id,
          requestId: e.requestId,
          kind: 'delivery-failed',
          payload: { channel: 'email', reason: `email ${kind}: ${reason}`.slice(0, 300), raw: trimRaw(e as Record<string, unknown>, 500) },
        });
        await deliverInbound(d, accepted.id);
      }
      return true;
    }
  };
