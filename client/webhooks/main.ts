import { bootstrap } from '../../config/bootstrap';
import { connectTemporal } from '../temporal';
import { codecEndpointFor } from '../codec/dataConverter';
import { startInboxRelay } from './inbox/relay';
import { buildWebhookServer } from './server';
import { createPool } from '../../db/pool';

/** Connections for signals' bookkeeping (after the answer, and the relay's), apart from the requests'. */
const DELIVERY_POOL_SIZE = 4;

/**
 * The webhook server process. It listens at once, even while PostgreSQL or Temporal is down:
 * requests get a fast 5xx and /health/ready 503 until they answer, and it recovers by itself.
 * SIGINT/SIGTERM: stop accepting, finish in-flight requests, close.
 */
async function main() {
  const runtime = await bootstrap({
    name: 'webhooks',
    schema: 'background',
    // Lazy: the webhook server must start and store inbound events even while Temporal is down.
    connectTemporal: (config) => connectTemporal(config, { lazy: true }),
  });
  const { config, log, pool, temporal } = runtime;
  runtime.onShutdown('temporal connection', () => temporal.connection.close());
  // Closed after the server and the relay (shutdown runs in reverse), which finish their deliveries first.
  const deliveryPool = createPool(config.DATABASE_URL!, DELIVERY_POOL_SIZE, (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting on next use'), { waitForDisk: false });
  runtime.onShutdown('delivery pool', () => deliveryPool.end());
  const app = await buildWebhookServer({
    pool,
    deliveryPool,
    temporal: temporal.client,
    temporalConnection: temporal.connection,
    log,
    clock: () => new Date(),
    settings: {
      publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      operatorAccessToken: config.OPERATOR_ACCESS_TOKEN,
      rescheduleNoticeMs: Math.round(config.RESCHEDULE_MIN_NOTICE / config.TIME_SCALE),
      rescheduleHorizonMs: config.RESCHEDULE_HORIZON,
      timeZone: config.DEFAULT_TIME_ZONE,
    },
    codec: codecEndpointFor(config),
    console: {
      cookieSecret: config.CONSOLE_COOKIE_SECRET,
      sessionLifetimeMs: config.CONSOLE_SESSION_LIFETIME,
      sessionIdleMs: config.CONSOLE_SESSION_IDLE,
      loginAttemptsPerMinute: config.CONSOLE_LOGIN_ATTEMPTS_PER_MINUTE,
      temporalUiUrl: config.TEMPORAL_UI_URL,
      temporalNamespace: config.TEMPORAL_NAMESPACE,
      timeZone: config.DEFAULT_TIME_ZONE,
    },
    providers: {
      twilioAuthToken: config.TWILIO_AUTH_TOKEN ?? config.TWILIO_WEBHOOK_AUTH_TOKEN,
      sendgridInboundSecret: config.SENDGRID_INBOUND_SECRET,
      sendgridEventPublicKey: config.SENDGRID_EVENT_PUBLIC_KEY,
      sendgridEventMaxAgeMs: config.SENDGRID_EVENT_MAX_AGE,
      inboundEmailDomain: config.SENDGRID_INBOUND_DOMAIN,
    },
  });
  // Events stored while Temporal was unreachable are signalled once it answers again.
  const relay = startInboxRelay({ pool, deliveryPool, temporal: temporal.client, log });
  runtime.onShutdown('inbox relay', () => relay.stop());
  runtime.onShutdown('http server', () => app.close());
  await app.listen({ host: config.WEBHOOK_HOST, port: config.WEBHOOK_PORT });
  const stop = (signal: string) => void runtime.shutdown(signal).finally(() => process.exit(process.exitCode ?? 0));
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
