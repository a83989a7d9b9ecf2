import pino, { type Logger, type SerializerFn } from 'pino';

const REDACTED = '[redacted]';

/** Path segments that are credentials: single-use links, and the Inbound Parse secret. */
const SECRET_SEGMENT = /(\/(?:choose|survey|unsubscribe|requests|ads\/opt-out|webhooks\/sendgrid\/inbound)\/)[^/?#\s"']+/g;
/** A query string's values (`?token=…` on the statistics page); the names stay readable. */
const QUERY_VALUE = /([?&][^=&#\s"']+=)[^&#\s"']*/g;
/** Any other long opaque segment (a token under a route added later); UUIDs (request ids) stay. */
const OPAQUE_SEGMENT = /\/(?![0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:[/?#\s"']|$))[A-Za-z0-9_~.-]{24,}/g;

/**
 * A URL (or any text holding one) as it may appear in a log line: link tokens, the Inbound Parse
 * secret and query values are replaced; the route stays recognisable.
 */
export function redactUrl(text: string): string {
  return text.replace(SECRET_SEGMENT, `$1${REDACTED}`).replace(QUERY_VALUE, `$1${REDACTED}`).replace(OPAQUE_SEGMENT, `/${REDACTED}`);
}

interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  routeOptions?: { url?: string };
}

/**
 * How an HTTP request appears in a log line: method, redacted URL and route pattern only — no
 * headers (signatures, bearer tokens), no client address, no body.
 */
export const requestLogSerializers: Record<string, SerializerFn> = {
  req: (req: RequestLike) => ({ id: req.id, method: req.method, url: req.url === undefined ? undefined : redactUrl(req.url), route: req.routeOptions?.url }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: (err: unknown) => {
    if (!(err instanceof Error)) return typeof err === 'string' ? redactUrl(err) : err;
    const serialized = pino.stdSerializers.err(err);
    return { ...serialized, message: typeof serialized.message === 'string' ? redactUrl(serialized.message) : serialized.message, stack: typeof serialized.stack === 'string' ? redactUrl(serialized.stack) : serialized.stack };
  },
};

/**
 * Structured JSON logs. Nothing secret or personal reaches a line: contact details are redacted
 * wherever they appear as fields, credentials in headers are censored, URLs lose their tokens, and
 * every message text is scrubbed of secret-bearing paths too.
 */
export function createLogger(level: string, name: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      serializers: requestLogSerializers,
      redact: {
        paths: [
          '*.email', '*.mobile', '*.phone', '*.to', 'email', 'mobile', 'phone',
          'headers.authorization', 'headers["x-twilio-signature"]', 'headers.cookie', '*.headers.authorization', '*.headers["x-twilio-signature"]', '*.headers.cookie',
          'token', '*.token', 'secret', '*.secret', 'url', '*.url',
        ],
        censor: (value, path) => (path[path.length - 1] === 'url' && typeof value === 'string' ? redactUrl(value) : REDACTED),
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactUrl(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
