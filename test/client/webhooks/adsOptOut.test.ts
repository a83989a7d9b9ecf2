import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../../db/queries/accessTokens';
import { grantOptIn, optInsOf } from '../../../db/queries/consent';
import type { Pool } from '../../../db/pool';
import { testPool } from '../../support/db';
import { buildTestServerWithoutTemporal, seedRequest } from './webhookApp';

/** The free opt-out an advertisement ends with, and the email unsubscribe link beside it. */
describe('opting out of advertisements by link', () => {
  let pool: Pool;
  let app: FastifyInstance;
  beforeAll(async () => {
    pool = testPool();
    app = await buildTestServerWithoutTemporal(pool);
  });
  afterAll(async () => {
    await app?.close();
    await pool?.end();
  });

  const customerWithMarketing = async () => {
    const req = await seedRequest(pool, { language: 'ko' });
    await grantOptIn(pool, req.customerId, 'marketing', 'test');
    await grantOptIn(pool, req.customerId, 'marketing_night', 'test');
    const token = await issueToken(pool, 'unsubscribe', req.requestId, req.customerId, new Date(Date.now() + 86_400_000));
    return { ...req, token };
  };
  const emailOptOut = async (customerId: string) =>
    (await pool.query(`SELECT 1 FROM contact_opt_outs WHERE customer_id = $1`, [customerId])).rowCount;

  it('opening the link asks first (a link scanner changes nothing); confirming stops advertisements, not service messages', async () => {
    const c = await customerWithMarketing();
    const page = await app.inject({ method: 'GET', url: `/ads/opt-out/${c.token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('광고 수신거부');
    expect(page.body).toContain('method="post"');
    expect(await optInsOf(pool, c.customerId)).toEqual(new Set(['marketing', 'marketing_night']));

    const confirmed = await app.inject({ method: 'POST', url: `/ads/opt-out/${c.token}` });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('수리 관련 안내는 계속됩니다');
    expect(await optInsOf(pool, c.customerId)).toEqual(new Set());
    expect(await emailOptOut(c.customerId)).toBe(0);
    // Again: nothing changes, the answer is the same.
    expect((await app.inject({ method: 'POST', url: `/ads/opt-out/${c.token}` })).statusCode).toBe(200);
  });

  it('an unknown link is a clear 404', async () => {
    const res = await app.inject({ method: 'POST', url: '/ads/opt-out/not-a-token', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('not valid');
  });

  it('unsubscribing from email altogether refuses advertisements too', async () => {
    const c = await customerWithMarketing();
    const res = await app.inject({ method: 'POST', url: `/unsubscribe/${c.token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode).toBe(200);
    expect(await emailOptOut(c.customerId)).toBe(1);
    expect(await optInsOf(pool, c.customerId)).toEqual(new Set());
  });
});
