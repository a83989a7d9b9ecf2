import { loadConfig } from '../../config';
import { createLogger } from '../../config/logger';
import { migrateToLatest } from '../../db/migrate';
import { createPool } from '../../db/pool';
import { connectTemporal } from '../temporal';
import { codecEndpointFor } from '../codec/dataConverter';
import { startInboxRelay } from './inbox/relay';
import { buildWebhookServer } from './server';

/** The webhook server process. SIGINT/SIGTERM: stop accepting, finish in-flight requests, close. */
async function main() {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL, 'webhooks');
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required for the webhook server (the stack script sets it for the embedded database)');
  // Either process may start first; the migrations run under a lock, so both may ask for them.
  await migrateToLatest(config.DATABASE_URL, log);
  const pool = createPool(config.DATABASE_URL);
  const { client, connection } = await connectTemporal(config, { lazy: true });
  const app = await buildWebhookServer({
    pool,
    temporal: client,
    temporalConnection: connection,
    log,
    clock: () => new Date(),
    settings: {
      publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
      bodyLimitBytes: config.WEBHOOK_BODY_LIMIT_BYTES,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      operatorAccessToken: config.OPERATOR_ACCESS_TOKEN,
      timeZone: config.DEFAULT_TIME_ZONE,
    },
    codec: codecEndpointFor(config),
    providers: {
      twilioAuthToken: config.TWILIO_AUTH_TOKEN ?? config.TWILIO_WEBHOOK_AUTH_TOKEN,
      sendgridInboundSecret: config.SENDGRID_INBOUND_SECRET,
      sendgridEventPublicKey: config.SENDGRID_EVENT_PUBLIC_KEY,
      sendgridEventMaxAgeMs: config.SENDGRID_EVENT_MAX_AGE,
      inboundEmailDomain: config.SENDGRID_INBOUND_DOMAIN,
    },
  });
  // Events stored while Temporal was unreachable are signalled once it answers again.
  const relay = startInboxRelay({ pool, temporal: client, log });
  await app.listen({ host: config.WEBHOOK_HOST, port: config.WEBHOOK_PORT });
  const stop = async (signal: string) => {
    log.info({ signal }, 'webhook server stopping');
    await app.close();
    await relay.stop();
    await connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
