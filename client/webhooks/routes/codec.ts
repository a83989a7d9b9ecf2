import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { operatorGuard } from '../operatorGuard';
import { describeIssues } from './zodErrors';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** Required as `Authorization: Bearer <token>` or the session cookie; unset leaves the codec open. */
  accessToken?: string;
  /** Web UI origins whose pages may call the codec from the browser. */
  corsOrigins: string[];
}

const SESSION_COOKIE = 'codec_session';

/** Payloads as Temporal's remote codec protocol sends them: protobuf JSON, bytes in base64. */
const body = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() }))
    .max(1000),
});

/**
 * The remote payload codec (Temporal's codec server protocol) for the Web UI and the `temporal`
 * CLI: POST /codec/decode and /codec/encode. Operators only. The CLI sends the operator token
 * (`--codec-auth "Bearer <token>"`); a browser cannot add a header to the UI's requests, so an
 * operator opens /codec/session?token=<token> once, which leaves an HttpOnly cookie the UI's
 * requests carry (the UI's codec setting "include cross-origin credentials").
 */
export const codecRoutes =
  ({ codec, accessToken, corsOrigins }: CodecRouteOptions): FastifyPluginAsync =>
  async (app) => {
    await app.register(cookie);
    await app.register(cors, {
      origin: corsOrigins,
      credentials: true,
      methods: ['POST'],
      allowedHeaders: ['content-type', 'authorization', 'x-namespace'],
      maxAge: 600,
    });
    const sessionValue = accessToken ? createHmac('sha256', accessToken).update('codec-session').digest('base64url') : undefined;
    const bearerGuard = operatorGuard(accessToken, 'codec');

    const guard = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!sessionValue || req.method === 'OPTIONS') return;
      const session = req.cookies[SESSION_COOKIE];
      if (session && equal(session, sessionValue)) return;
      return bearerGuard(req, reply);
    };

    app.get('/codec/session', async (req, reply) => {
      reply.header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
      const token = (req.query as { token?: unknown }).token;
      if (!sessionValue || !accessToken) return reply.type('text/plain; charset=utf-8').send('The codec is open: no operator token is configured.');
      if (typeof token !== 'string' || !equal(token, accessToken)) return reply.code(401).send({ error: 'a valid operator access token is required' });
      return reply
        .setCookie(SESSION_COOKIE, sessionValue, { httpOnly: true, sameSite: 'lax', path: '/codec', secure: req.protocol === 'https', maxAge: 12 * 3600 })
        .type('text/plain; charset=utf-8')
        .send('Codec session started for this browser (12 hours): the Temporal Web UI can now show decoded payloads.');
    });

    for (const direction of ['decode', 'encode'] as const) {
      app.post(`/codec/${direction}`, { onRequest: guard }, async (req, reply) => {
        const parsed = body.safeParse(req.body);
        if (!parsed.success) return reply.code(400).type('text/plain; charset=utf-8').send(describeIssues(parsed.error));
        const payloads = parsed.data.payloads.map(fromJson);
        try {
          const result = await codec[direction](payloads);
          return reply.header('cache-control', 'no-store').send({ payloads: result.map(toJson) });
        } catch (err) {
          return reply.code(400).send({ error: (err as Error).message });
        }
      });
    }
  };

function fromJson(p: { metadata?: Record<string, string>; data?: string }): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

/** Compares digests, so the time taken says nothing about the expected value or its length. */
function equal(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
