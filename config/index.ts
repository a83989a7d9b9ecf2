import { z } from 'zod';
import { durationMs } from './duration';
import { parseKeyRing } from './payloadKeys';

/**
 * Every environment variable the processes read, validated once at start. A bad value stops the
 * process with a message naming the variable, instead of failing later in the middle of a request.
 */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      try {
        return durationMs(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const contentSid = optionalString.refine((v) => v === undefined || /^HX[0-9a-f]{32}$/i.test(v), 'must be a Twilio Content SID (HX followed by 32 hex digits)');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const clockTime = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/.test(v), 'must be HH:MM (24-hour clock; 24:00 is midnight at the end of the day)');

const timeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Seoul');

export const configSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),

  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('service-requests'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  TEMPORAL_UI_PORT: port(8233),
  /** The prebundled workflow code (npm run build: dist/workflow-bundle.js); unset: bundled at start. */
  WORKFLOW_BUNDLE_PATH: optionalString,
  /** host:port where a worker serves the Temporal SDK's Prometheus metrics (/metrics); unset: none. */
  WORKER_METRICS_ADDRESS: optionalString.refine((v) => v === undefined || /^[^\s:]+:\d{1,5}$/.test(v), 'must be host:port, e.g. 0.0.0.0:9464'),
  /**
   * How many workflows a worker keeps in memory between their tasks (the SDK's sticky cache). Each
   * costs ~0.4 MiB; a request parked for days is evicted and replayed from its history when it
   * wakes. 0: no cache (every task replays).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number()
    .int()
    .min(0)
    .default(250)
    .refine((v) => v !== 1, 'must be 0 (no cache) or at least 2'),

  DATABASE_URL: optionalString,
  EMBEDDED_POSTGRES_PORT: port(54329),

  WEBHOOK_HOST: z.string().default('127.0.0.1'),
  WEBHOOK_PORT: port(3000),
  PUBLIC_BASE_URL: z.url().default('http://localhost:3000'),
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),

  /** Required by operators' pages (statistics) as a Bearer token or ?token=; unset leaves them open. */
  OPERATOR_ACCESS_TOKEN: optionalString,
  /** Signs the operator console's session cookie; empty: a random secret per process (sessions end at a restart). */
  CONSOLE_COOKIE_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, 'must be at least 32 characters'),
  /** A console session ends this long after sign-in, or after CONSOLE_SESSION_IDLE without a request. */
  CONSOLE_SESSION_LIFETIME: duration('8h'),
  CONSOLE_SESSION_IDLE: duration('30m'),
  /** Sign-in attempts allowed per client address per minute. */
  CONSOLE_LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Where operators open the Temporal Web UI; the console links each request's workflow there. */
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  PII_SEALING_KEY: optionalString.refine(
    (v) => v === undefined || Buffer.from(v, 'base64').length === 32,
    'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
  ),

  /**
   * Encrypts every payload stored in Temporal: `id:base64key` entries, comma-separated, newest
   * first (the first encrypts, all decrypt). Unset: payloads are stored as plain JSON.
   */
  PAYLOAD_ENCRYPTION_KEYS: optionalString.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseKeyRing(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** Web UI origins allowed to call the payload codec endpoint from the browser (comma-separated). */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://localhost:8233')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean)),

  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  /** Validates X-Twilio-Signature when no live TWILIO_AUTH_TOKEN is set: the sandbox demo signs with it. */
  TWILIO_WEBHOOK_AUTH_TOKEN: optionalString,
  /** Approved WhatsApp Content templates (HX + 32 hex) for messages outside the 24-hour session. */
  TWILIO_WHATSAPP_SURVEY_CONTENT_SID: contentSid,
  TWILIO_WHATSAPP_REMINDER_CONTENT_SID: contentSid,
  SENDGRID_API_KEY: optionalString,
  SENDGRID_INBOUND_DOMAIN: z.string().default('reply.example.com'),
  SENDGRID_INBOUND_SECRET: optionalString,
  SENDGRID_EVENT_PUBLIC_KEY: optionalString,
  /** Signed events older than this (by their signed timestamp) are refused as replays. */
  SENDGRID_EVENT_MAX_AGE: duration('10m'),

  DEFAULT_TIME_ZONE: timeZone('Asia/Seoul'),
  CONTACT_HOURS_START: clockTime('08:00'),
  CONTACT_HOURS_END: clockTime('21:00'),
  SURVEY_CHANNEL_POLICY: z.enum(['email', 'sms', 'whatsapp']).default('email'),
  INCENTIVE_POINTS: z.coerce.number().int().min(0).default(500),
  /** A reply classified with less confidence (0-1) is stored with needs_review and an agent task. */
  CLASSIFIER_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.6),

  CHOICE_TIMEOUT: duration('4h'),
  COMPLETION_SLA: duration('2d'),
  SURVEY_SETTLE_TIME: duration('1d'),
  CALL_OUTCOME_TIMEOUT: duration('15m'),
  REPLY_WINDOW: duration('7d'),
  REPLY_REMINDER_BEFORE_CLOSE: duration('2d'),
  NO_TECHNICIAN_RETRY_INTERVAL: duration('1h'),
  NO_TECHNICIAN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(24),
  /** A customer may move their visit online only while it starts later than this. */
  RESCHEDULE_MIN_NOTICE: duration('24h'),
  /** How often a customer may move their visit online. */
  RESCHEDULE_MAX_COUNT: z.coerce.number().int().min(0).default(2),
  /** How far ahead the request page offers free times to move the visit to. */
  RESCHEDULE_HORIZON: duration('14d'),
  TIME_SCALE: z.coerce.number().positive().default(1),

  DEMO_SIMULATOR: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (Boolean(config.TWILIO_ACCOUNT_SID) !== Boolean(config.TWILIO_AUTH_TOKEN)) {
    throw new ConfigError(
      'Invalid environment configuration:\n  TWILIO_AUTH_TOKEN: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set together',
    );
  }
  return config;
}
