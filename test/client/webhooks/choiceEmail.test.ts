import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssignmentActivities } from '../../../activities/assignment';
import { createContactActivities } from '../../../activities/contact';
import { createSurveyActivities } from '../../../activities/survey';
import { issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { activityDeps, createRequest } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { buildTestServerWithoutTemporal } from './webhookApp';

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

const mobile = () => `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;

/** A customer (with or without an email address on file) and the choice link we sent them. */
async function choiceLink(options: { email?: string | null; language?: 'ko' | 'en'; expiresInMs?: number } = {}) {
  const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
  const { requestId, customerId } = await createRequest(pool, net, { email: options.email === undefined ? null : options.email, mobile: mobile(), language: options.language ?? 'en' });
  await createAssignmentActivities(activityDeps(pool)).findTechnicianCandidates({ requestId }); // the offers the page lists
  if (options.email === undefined || options.email === null) await pool.query('UPDATE customers SET email_requested = true WHERE id = $1', [customerId]); // as intake sets it
  const token = await issueToken(pool, 'choice', requestId, customerId, new Date(Date.now() + (options.expiresInMs ?? 3_600_000)));
  return { requestId, customerId, token };
}
const giveEmail = (token: string, email: string) =>
  app.inject({ method: 'POST', url: `/choose/${token}/email`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email }).toString() });
const customer = async (customerId: string) => (await pool.query('SELECT email, email_requested FROM customers WHERE id = $1', [customerId])).rows[0];

describe('the choice page asks for a missing email address (KR claims 16-17)', () => {
  it('shows its own optional email form only to a customer we ask, below the choice form', async () => {
    const asked = await choiceLink({ language: 'ko' });
    const page = await app.inject({ method: 'GET', url: `/choose/${asked.token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<form method="post" action="${asked.token}/email" class="email-ask">`);
    expect(page.body).toContain('이메일 주소 (선택)');
    expect(page.body.indexOf('name="technicianId"')).toBeLessThan(page.body.indexOf('name="email"'));

    const known = await choiceLink({ email: 'on-file@mail.example' });
    const knownPage = await app.inject({ method: 'GET', url: `/choose/${known.token}` });
    expect(knownPage.statusCode).toBe(200);
    expect(knownPage.body).not.toContain('name="email"');
  });

  it('a valid address is stored, clears the ask, and is used from then on: the survey goes by email', async () => {
    const link = await choiceLink();
    const { contactOptions } = createContactActivities(activityDeps(pool));
    expect((await contactOptions({ requestId: link.requestId })).email).toBe(false);

    const saved = await giveEmail(link.token, '  Minji.Kim@Example.COM ');
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('We will write to minji.kim@example.com from now on.');
    expect(await customer(link.customerId)).toEqual({ email: 'minji.kim@example.com', email_requested: false });
    expect((await contactOptions({ requestId: link.requestId })).email).toBe(true);
    await createSurveyActivities(activityDeps(pool)).sendSurveyEmail({ requestId: link.requestId, attempt: 1, replyWindowMs: 86_400_000 });
    const sent = await pool.query(`SELECT recipient FROM outbox WHERE request_id = $1 AND channel = 'email' AND purpose = 'survey'`, [link.requestId]);
    expect(sent.rows).toEqual([{ recipient: 'minji.kim@example.com' }]);

    // The page no longer asks, and a second address never replaces the first.
    expect((await app.inject({ method: 'GET', url: `/choose/${link.token}` })).body).not.toContain('name="email"');
    const again = await giveEmail(link.token, 'someone.else@mail.example');
    expect(again.statusCode).toBe(409);
    expect((await customer(link.customerId)).email).toBe('minji.kim@example.com');
  });

  it('an invalid address is refused with the form again and nothing stored; an unknown or expired link stores nothing', async () => {
    const link = await choiceLink({ language: 'ko' });
    for (const bad of ['', 'not-an-address', 'kim@', '@mail.example', 'kim@mail', `${'x'.repeat(250)}@mail.example`, 'a b@mail.example']) {
      const res = await giveEmail(link.token, bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.body).toContain('role="alert"');
      expect(res.body).toContain('name="email"');
    }
    const markup = await giveEmail(link.token, '<script>@x.com');
    expect(markup.statusCode).toBe(400);
    expect(markup.body).not.toContain('<script>');
    expect(await customer(link.customerId)).toEqual({ email: null, email_requested: true });

    expect((await giveEmail('no-such-token', 'kim@mail.example')).statusCode).toBe(404);
    const expired = await choiceLink({ expiresInMs: -1000 });
    expect((await giveEmail(expired.token, 'kim@mail.example')).statusCode).toBe(410);
    expect(await customer(expired.customerId)).toEqual({ email: null, email_requested: true });
  });
});
