import pino, { type Logger } from 'pino';

/** Structured JSON logs; contact details are redacted wherever they appear as fields. */
export function createLogger(level: string, name: string): Logger {
  return pino({
    name,
    level,
    redact: { paths: ['*.email', '*.mobile', '*.phone', '*.to', 'email', 'mobile', 'phone'], censor: '[redacted]' },
  });
}
