import { randomUUID } from 'node:crypto';
import { MailService } from '@sendgrid/mail';
import { DeliveryError, isTransientStatus, PROVIDER_REQUEST_TIMEOUT_MS, provesNothingCreated, type EmailGateway } from './ports';

export interface SendGridOptions {
  apiKey: string;
  /** Another API base URL (tests point the real SDK at a local fake of the SendGrid API). */
  baseUrl?: string;
  /** How long one request may take (default PROVIDER_REQUEST_TIMEOUT_MS). */
  timeoutMs?: number;
}

/** The SDK's HTTP client; MailService keeps it on an untyped field. */
interface SendGridHttpClient {
  setDefaultRequest(key: 'baseUrl' | 'timeout', value: string | number): void;
}

/** Email through the SendGrid v3 Mail Send API. */
export function createSendGridGateway(options: SendGridOptions): EmailGateway {
  // A service of our own, not the module's shared singleton, so two configurations never mix.
  const service = new MailService();
  service.setApiKey(options.apiKey);
  const client = (service as unknown as { client: SendGridHttpClient }).client;
  if (options.baseUrl) client.setDefaultRequest('baseUrl', options.baseUrl);
  // Without a timeout the SDK waits for ever; the activity must get an answer (or its absence) first.
  client.setDefaultRequest('timeout', options.timeoutMs ?? PROVIDER_REQUEST_TIMEOUT_MS);

  return {
    mode: 'live',
    async sendEmail(message) {
      try {
        const [response] = await service.send({
          to: message.to,
          from: message.from,
          replyTo: message.replyTo,
          subject: message.subject,
          text: message.text,
          html: message.html,
          headers: message.headers,
          customArgs: message.customArgs,
        });
        // Accepted is accepted: a missing id must not make a retry send the message again.
        const id = headerValue(response.headers, 'x-message-id') ?? `sendgrid-accepted-${randomUUID()}`;
        return { providerId: id };
      } catch (err) {
        throw sendGridDeliveryError(err);
      }
    },
  };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

/**
 * 429 and 5xx are worth retrying; any other refusal (bad address, blocked sender) will repeat. Only
 * a 4xx proves the mail was not accepted: after a 5xx or no answer at all (timeout, reset) it may
 * have been queued, so the outbox must not send it again.
 */
export function sendGridDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: unknown; message?: unknown; response?: { body?: unknown } };
  const status = typeof e?.code === 'number' ? e.code : undefined;
  const detail = firstErrorMessage(e?.response?.body) ?? (typeof e?.message === 'string' ? e.message : String(err));
  if (status === undefined) return new DeliveryError(`sendgrid: no answer (${detail})`, false, undefined, false);
  return new DeliveryError(`sendgrid ${status}: ${detail}`, !isTransientStatus(status), status, provesNothingCreated(status));
}

function firstErrorMessage(body: unknown): string | undefined {
  const errors = (body as { errors?: { message?: unknown }[] } | undefined)?.errors;
  const message = Array.isArray(errors) ? errors[0]?.message : undefined;
  return typeof message === 'string' ? message : undefined;
}
