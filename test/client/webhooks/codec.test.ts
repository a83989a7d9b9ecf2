import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EncryptionCodec } from '../../../client/codec/encryptionCodec';
import { parseKeyRing } from '../../../config/payloadKeys';
import { createPool, type Pool } from '../../../db/pool';
import { buildTestServer, PUBLIC_BASE_URL } from './webhookApp';

const UI_ORIGIN = 'http://localhost:8233';

/** The remote codec the Web UI and the `temporal` CLI decode payloads with. */
describe('payload codec endpoint', () => {
  const token = randomBytes(12).toString('hex');
  const codec = new EncryptionCodec(parseKeyRing(`k1:${randomBytes(32).toString('base64')}`));
  let pool: Pool;
  let connection: Connection;
  let app: FastifyInstance;

  beforeAll(async () => {
    pool = createPool(inject('databaseUrl'), 2);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    app = await buildTestServer(pool, new Client({ connection }), connection, {
      settings: { publicBaseUrl: PUBLIC_BASE_URL, bodyLimitBytes: 64 * 1024, taskQueue: 'unused', operatorAccessToken: token },
      codec: { codec, corsOrigins: [UI_ORIGIN] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await connection?.close();
    await pool?.end();
  });

  /** The remote codec protocol's JSON: metadata values and data in base64. */
  async function sealedBody() {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload({ fault: 'Not cooling' })]);
    const b64 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('base64');
    return { payloads: [{ metadata: Object.fromEntries(Object.entries(sealed!.metadata!).map(([k, v]) => [k, b64(v)])), data: b64(sealed!.data) }] };
  }

  const decodedText = (body: string) => Buffer.from((JSON.parse(body) as { payloads: { data: string }[] }).payloads[0]!.data, 'base64').toString();

  it('decodes for an operator token, as the CLI sends it (--codec-auth)', async () => {
    const res = await app.inject({ method: 'POST', url: '/codec/decode', headers: { authorization: `Bearer ${token}` }, payload: await sealedBody() });
    expect(res.statusCode).toBe(200);
    expect(decodedText(res.body)).toBe('{"fault":"Not cooling"}');
  });

  it('refuses anyone else', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope' }, { cookie: 'codec_session=forged' }]) {
      const res = await app.inject({ method: 'POST', url: '/codec/decode', headers, payload: await sealedBody() });
      expect(res.statusCode).toBe(401);
    }
    expect((await app.inject({ method: 'GET', url: '/codec/session?token=wrong' })).statusCode).toBe(401);
  });

  it('lets the Web UI decode with the session cookie an operator starts once', async () => {
    const session = await app.inject({ method: 'GET', url: `/codec/session?token=${token}` });
    expect(session.statusCode).toBe(200);
    const cookie = session.cookies.find((c) => c.name === 'codec_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/codec' });
    expect(cookie.value).not.toContain(token);

    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');

    const res = await app.inject({
      method: 'POST',
      url: '/codec/decode',
      headers: { origin: UI_ORIGIN, cookie: `codec_session=${cookie.value}`, 'x-namespace': 'default' },
      payload: await sealedBody(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(decodedText(res.body)).toBe('{"fault":"Not cooling"}');
  });

  it('gives other origins no CORS grant', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/codec/decode',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('encodes too, and answers a malformed body with 400', async () => {
    const plain = defaultPayloadConverter.toPayload('hello');
    const body = { payloads: [{ metadata: { encoding: Buffer.from(plain.metadata!.encoding!).toString('base64') }, data: Buffer.from(plain.data!).toString('base64') }] };
    const res = await app.inject({ method: 'POST', url: '/codec/encode', headers: { authorization: `Bearer ${token}` }, payload: body });
    expect(res.statusCode).toBe(200);
    const sealed = (JSON.parse(res.body) as { payloads: { metadata: Record<string, string> }[] }).payloads[0]!;
    expect(Buffer.from(sealed.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const bad = await app.inject({ method: 'POST', url: '/codec/decode', headers: { authorization: `Bearer ${token}` }, payload: { payloads: 'no' } });
    expect(bad.statusCode).toBe(400);
  });
});
