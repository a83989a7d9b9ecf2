import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Pool } from '../../db/pool';

/**
 * The webhook server's Prometheus metrics: request latency by route, and the health of the
 * inbox (events stored but not yet signalled), the relay that retries them and the outbox. The
 * queue figures are read from PostgreSQL at scrape time, so every webhook process reports the
 * same truth and a restart loses nothing.
 */
export function createWebhookMetrics(pool: Pool): WebhookMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'service_followup_webhooks_' });

  const latency = new Histogram({
    name: 'service_followup_http_request_duration_seconds',
    help: 'Webhook server request latency, by route pattern (never the raw URL: tokens live in paths)',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
  const gauges: Record<keyof QueueFigures, Gauge> = {
    inboxPending: gauge('service_followup_inbox_pending_events', 'Inbound events stored but not yet signalled to their workflow'),
    inboxOldestAge: gauge('service_followup_inbox_oldest_pending_age_seconds', 'Age of the oldest inbound event not yet signalled (0 when none)'),
    relayLag: gauge('service_followup_relay_lag_seconds', 'How long the oldest event due for (re)delivery has waited for the relay (0 when none is due)'),
    signalsFailed: gauge('service_followup_inbox_signals_failed_events', 'Inbound events whose signal has failed at least once and that still wait for delivery'),
    outboxPending: gauge('service_followup_outbox_pending_messages', 'Outgoing messages not yet accepted by a provider (pending or to be retried)'),
  };

  return {
    registry,
    async render() {
      // One query per scrape for all queue gauges.
      const figures = await readQueueFigures(pool);
      for (const [key, value] of Object.entries(figures)) gauges[key as keyof QueueFigures].set(value);
      return registry.metrics();
    },
    observeRequests(app) {
      app.addHook('onResponse', async (req, reply) => {
        latency.observe(
          { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
          reply.elapsedTime / 1000,
        );
      });
    },
  };
}

export interface WebhookMetrics {
  registry: Registry;
  /** The exposition text, with the queue figures read now. */
  render(): Promise<string>;
  /** Times every request the app answers from now on. */
  observeRequests(app: FastifyInstance): void;
}

interface QueueFigures {
  inboxPending: number;
  inboxOldestAge: number;
  relayLag: number;
  signalsFailed: number;
  outboxPending: number;
}

async function readQueueFigures(pool: Pool): Promise<QueueFigures> {
  const { rows } = await pool.query<{ [K in keyof QueueFigures]: string }>(
    `SELECT
       (SELECT count(*) FROM inbox WHERE status = 'pending') AS "inboxPending",
       (SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0) FROM inbox WHERE status = 'pending') AS "inboxOldestAge",
       (SELECT coalesce(extract(epoch FROM now() - min(next_attempt_at)), 0) FROM inbox WHERE status = 'pending' AND next_attempt_at <= now()) AS "relayLag",
       (SELECT count(*) FROM inbox WHERE status = 'pending' AND attempts > 0) AS "signalsFailed",
       (SELECT count(*) FROM outbox WHERE status IN ('pending', 'retry')) AS "outboxPending"`,
  );
  const row = rows[0]!;
  return {
    inboxPending: Number(row.inboxPending),
    inboxOldestAge: Number(row.inboxOldestAge),
    relayLag: Number(row.relayLag),
    signalsFailed: Number(row.signalsFailed),
    outboxPending: Number(row.outboxPending),
  };
}
