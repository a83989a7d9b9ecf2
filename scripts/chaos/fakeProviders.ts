import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the fake provider answers one send:
 * - ok: created, answered at once (Twilio 201, SendGrid 202);
 * - create-then-504: created, then a gateway timeout — the message exists but the answer says error;
 * - timeout: created, and the answer never comes (the connection is dropped after holdMs);
 * - 429: refused before anything was created.
 */
export type ProviderFault = 'ok' | 'create-then-504' | 'timeout' | '429';

export interface CreatedMessage {
  provider: 'twilio-sms' | 'twilio-call' | 'sendgrid';
  id: string;
  to: string;
  /** What the recipient got: the SMS text, the call's TwiML, or the email's subject and text. */
  content: string;
  statusCallback?: string;
  replyTo?: string;
  fault: ProviderFault;
  at: Date;
}

/**
 * Local stand-ins for the Twilio and SendGrid APIs, for the real SDKs in the chaos workers. They
 * record every message they created (what a phone or an inbox would have received) and answer
 * with the faults queued for them, so duplicates are counted where a customer would see them.
 */
export async function startFakeProviders(options: { holdMs?: number } = {}) {
  const holdMs = options.holdMs ?? 35_000;
  const created: CreatedMessage[] = [];
  const faults: ProviderFault[] = [];
  const counts: Record<ProviderFault, number> = { ok: 0, 'create-then-504': 0, timeout: 0, '429': 0 };
  const held = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const message = parseSend(req.url ?? '', body);
      if (!message) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not found' }));
        return;
      }
      const fault = faults.shift() ?? 'ok';
      counts[fault]++;
      if (fault === '429') {
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify(message.provider === 'sendgrid' ? { errors: [{ message: 'too many requests' }] } : { code: 20429, message: 'Too Many Requests', status: 429 }));
        return;
      }
      created.push({ ...message, fault, at: new Date() });
      if (fault === 'create-then-504') {
        res.writeHead(504, { 'content-type': 'text/html' }).end('<html><body>504 Gateway Time-out</body></html>');
        return;
      }
      if (fault === 'timeout') {
        held.add(res);
        setTimeout(() => {
          held.delete(res);
          res.destroy();
        }, holdMs).unref();
        return;
      }
      if (message.provider === 'sendgrid') res.writeHead(202, { 'x-message-id': message.id }).end();
      else res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: message.id, status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    created,
    counts,
    /** The next sends (of any provider) get these answers, in order. */
    inject: (...next: ProviderFault[]) => faults.push(...next),
    pendingFaults: () => faults.length,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type FakeProviders = Awaited<ReturnType<typeof startFakeProviders>>;

function parseSend(path: string, body: string): Omit<CreatedMessage, 'fault' | 'at'> | undefined {
  if (/\/Accounts\/[^/]+\/Messages\.json$/.test(path)) {
    const form = new URLSearchParams(body);
    return { provider: 'twilio-sms', id: `SM${randomBytes(16).toString('hex')}`, to: form.get('To') ?? '', content: form.get('Body') ?? '', statusCallback: form.get('StatusCallback') ?? undefined };
  }
  if (/\/Accounts\/[^/]+\/Calls\.json$/.test(path)) {
    const form = new URLSearchParams(body);
    return { provider: 'twilio-call', id: `CA${randomBytes(16).toString('hex')}`, to: form.get('To') ?? '', content: form.get('Twiml') ?? '', statusCallback: form.get('StatusCallback') ?? undefined };
  }
  if (path === '/v3/mail/send') {
    const mail = JSON.parse(body) as { personalizations?: { to?: { email?: string }[] }[]; subject?: string; reply_to?: { email?: string }; content?: { type?: string; value?: string }[] };
    const text = mail.content?.find((c) => c.type === 'text/plain')?.value ?? '';
    return { provider: 'sendgrid', id: randomBytes(11).toString('base64url'), to: mail.personalizations?.[0]?.to?.[0]?.email ?? '', content: `${mail.subject ?? ''}\n${text}`, replyTo: mail.reply_to?.email };
  }
  return undefined;
}

interface TwilioHttpRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  data?: Record<string, unknown>;
  timeout?: number;
}

/**
 * An HTTP client for the Twilio SDK that sends what the SDK asks for to the fake instead of
 * api.twilio.com: same method, path, form body and Basic auth; the SDK reads the answer itself.
 */
export function twilioHttpClientFor(baseUrl: string) {
  return {
    async request(opts: TwilioHttpRequest) {
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(opts.data ?? {})) {
        for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) form.append(key, String(v));
      }
      const uri = opts.uri.replace(/^https:\/\/[a-z0-9.]*twilio\.com/, baseUrl);
      const res = await fetch(uri, {
        method: opts.method.toUpperCase(),
        headers: { ...opts.headers, authorization: `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}` },
        body: opts.method.toLowerCase() === 'get' ? undefined : form,
        signal: AbortSignal.timeout(opts.timeout ?? 30_000),
      });
      return { statusCode: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
    },
  };
}
