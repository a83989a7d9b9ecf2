import formbody from '@fastify/formbody';
import { parse as parseForm, type ParsedUrlQuery } from 'node:querystring';
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestLogSerializers } from '../../config/logger';
import type { Pool } from '../../db/pool';
import { choiceRoutes } from './routes/choice';
import { choiceEmailRoutes } from './routes/choiceEmail';
import { requestPageRoutes } from './routes/requestPage';
import { healthRoutes } from './routes/health';
import { sendgridEventRoutes } from './routes/sendgridEvents';
import { sendgridInboundRoutes } from './routes/sendgridInbound';
import { surveyFormRoutes } from './routes/surveyForm';
import { twilioSmsRoutes } from './routes/twilioSms';
import { twilioWhatsappRoutes } from './routes/twilioWhatsapp';
import { twilioVoiceRoutes } from './routes/twilioVoice';
import { twilioVoiceInboundRoutes } from './routes/twilioVoiceInbound';
import { unsubscribeRoutes } from './routes/unsubscribe';
import { technicianRoutes } from './routes/technicians';
import { statisticsRoutes } from './routes/statistics';
import { metricsRoutes } from './routes/metrics';
import { codecRoutes } from './routes/codec';
import type { PayloadCodec } from '@temporalio/common';
import { createWebhookMetrics } from '../metrics/webhookMetrics';
import { consoleRoutes } from './routes/console';
import { resolveConsoleSettings, type ConsoleSettings } from './routes/console/settings';
import { consoleSessionReader } from './routes/console/session';
import { deliveriesAfterAnswerSettled } from './inbox/deliver';

export interface WebhookDeps {
  pool: Pool;
  /** For signals' bookkeeping after a webhook answered (see DeliveryDeps.deliveryPool); defaults to `pool`. */
  deliveryPool?: Pool;
  temporal: Client;
  /** For readiness: the Temporal service's own health check. */
  temporalConnection: Connection;
  log: Logger;
  clock: () => Date;
  settings: {
    publicBaseUrl: string;
    bodyLimitBytes: number;
    taskQueue: string;
    /** Operators' pages (statistics) require this token when it is set. */
    operatorAccessToken?: string;
    /** The zone statistics read dates and months in. */
    timeZone?: string;
    /** The request page: how soon a visit may still be moved, and how far ahead free times are offered (defaults 24 h, 14 days). */
    rescheduleNoticeMs?: number;
    rescheduleHorizonMs?: number;
  };
  /** Provider webhook secrets; a provider's routes refuse requests (503) while its secret is unset. */
  providers?: {
    twilioAuthToken?: string;
    sendgridInboundSecret?: string;
    sendgridEventPublicKey?: string;
    /** How old a signed Event Webhook post may be (its signed timestamp) before it is refused as a replay; default 10 min. */
    sendgridEventMaxAgeMs?: number;
    /** The domain of the survey emails' reply-to addresses (reply+<token>@domain). */
    inboundEmailDomain?: string;
  };
  /** The payload codec the Web UI and the CLI decode with (POST /codec/decode); unset: no such route. */
  codec?: { codec: PayloadCodec; corsOrigins: string[] };
  /** How long the inline signal may take before a stored event is left to the relay. */
  signalTimeoutMs?: number;
  /** The operator console (/console); unset: its defaults, with a random cookie secret. */
  console?: ConsoleSettings;
}

/**
 * The HTTP face of the system: provider webhooks, the technicians' endpoint, the customers' pages
 * and health checks. Every inbound event is stored in PostgreSQL before it becomes a signal.
 */
export async function buildWebhookServer(deps: WebhookDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // Request lines carry the method, the route and the URL without its tokens, never headers.
    loggerInstance: deps.log.child({}, { serializers: requestLogSerializers }) as FastifyBaseLogger,
    // Fastify's own request lines (and its not-found line) print the raw URL: one line of ours instead.
    disableRequestLogging: true,
    bodyLimit: deps.settings.bodyLimitBytes,
    // Behind a proxy the public URL differs from the local one; signatures use the configured base.
    trustProxy: true,
  });
  const metrics = createWebhookMetrics(deps.pool);
  metrics.observeRequests(app);
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ req, res: reply, responseTimeMs: Math.round(reply.elapsedTime) }, 'request completed');
  });
  // PostgreSQL text cannot hold NUL: a form field carrying one (no provider sends it) loses it here,
  // so it fails a signature check or validation (4xx) instead of an insert (500).
  // Signals started after an answer finish (or reach their deadline) before the pool closes.
  app.addHook('onClose', async () => deliveriesAfterAnswerSettled());
  await app.register(formbody, { parser: (body) => withoutNul(parseForm(body)) });
  await app.register(healthRoutes(deps));
  await app.register(twilioVoiceRoutes(deps));
  await app.register(twilioVoiceInboundRoutes(deps));
  await app.register(twilioSmsRoutes(deps));
  await app.register(twilioWhatsappRoutes(deps));
  await app.register(sendgridInboundRoutes(deps));
  await app.register(sendgridEventRoutes(deps));
  await app.register(surveyFormRoutes(deps));
  await app.register(unsubscribeRoutes(deps));
  await app.register(choiceRoutes(deps));
  await app.register(choiceEmailRoutes(deps));
  await app.register(requestPageRoutes(deps));
  await app.register(technicianRoutes(deps));
  // One secret for the console's cookies and for the statistics page, which also lets a signed-in operator in.
  const consoleSettings = resolveConsoleSettings({ timeZone: deps.settings.timeZone, ...deps.console });
  if (!deps.console?.cookieSecret) deps.log.warn('CONSOLE_COOKIE_SECRET is not set: console sessions are signed with a random secret and end when this process stops');
  const consoleSession = consoleSessionReader(deps.pool, consoleSettings.cookieSecret, consoleSettings.sessionIdleMs);
  await app.register(
    statisticsRoutes({
      pool: deps.pool,
      accessToken: deps.settings.operatorAccessToken,
      timeZone: deps.settings.timeZone,
      clock: deps.clock,
      signedInOperator: async (cookieHeader) => (await consoleSession(cookieHeader)) !== undefined,
    }),
  );
  await app.register(metricsRoutes({ metrics, accessToken: deps.settings.operatorAccessToken }));
  await app.register(consoleRoutes({ pool: deps.pool, temporal: deps.temporal, log: deps.log, signalTimeoutMs: deps.signalTimeoutMs, settings: consoleSettings }));
  if (deps.codec) await app.register(codecRoutes({ ...deps.codec, accessToken: deps.settings.operatorAccessToken }));
  return app;
}

function withoutNul(form: ParsedUrlQuery): ParsedUrlQuery {
  const clean = (v: string) => v.replaceAll('\u0000', '');
  return Object.fromEntries(Object.entries(form).map(([k, v]) => [clean(k), Array.isArray(v) ? v.map(clean) : v === undefined ? v : clean(v)]));
}
