import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantOptIn, withdrawOptIn } from '../../../../db/queries/consent';
import { acceptInbound } from '../../../../db/queries/inbox';
import { testPool } from '../../../support/db';
import { buildTestServerWithoutTemporal, seedRequest } from '../webhookApp';
import { ConsoleVisitor, seedOperator } from './consoleSupport';

const pool = testPool();
let app: FastifyInstance;

beforeAll(async () => {
  // Temporal is not there: an assigned message is stored and left to the relay.
  app = await buildTestServerWithoutTemporal(pool, { signalTimeoutMs: 300, console: { temporalUiUrl: 'https://ui.example.test/', temporalNamespace: 'prod', loginAttemptsPerMinute: 1000 } });
});
afterAll(async () => {
  await app?.close();
  await pool.end();
});

async function signedIn(displayName = 'Agent Kang', acceptLanguage?: string) {
  const op = await seedOperator(pool, displayName);
  const visitor = new ConsoleVisitor(app, acceptLanguage);
  await visitor.signIn(op.username);
  return { ...op, visitor };
}

async function reviewTask() {
  const req = await seedRequest(pool, { language: 'en' });
  const reply = await pool.query(
    `INSERT INTO survey_replies (request_id, channel, text, category, classified_category, confidence, needs_review, received_at)
     VALUES ($1, 'email', 'it works but makes a sound', 'satisfied', 'satisfied', 0.41, true, now()) RETURNING id`,
    [req.requestId],
  );
  const task = await pool.query(
    `INSERT INTO agent_tasks (request_id, service_centre_id, kind, reply_id, summary) VALUES ($1, $2, 'review_classification', $3, 'review the classification: satisfied') RETURNING id`,
    [req.requestId, req.centreId, reply.rows[0].id],
  );
  return { ...req, taskId: Number(task.rows[0].id), replyId: Number(reply.rows[0].id) };
}

async function unmatchedSms(text = `hello ${randomBytes(3).toString('hex')}`) {
  const row = await acceptInbound(pool, { source: 'twilio-sms', eventId: `SM${randomBytes(16).toString('hex')}`, requestId: null, kind: 'survey-reply', payload: { text, raw: { From: '+821012345678' } } });
  return { id: row.id, text };
}

describe('console: agent tasks', () => {
  it('an agent sets the label of a review task as the tasks CLI does: the category changes, the reply becomes labelled data, the task closes', async () => {
    const { visitor, username } = await signedIn();
    const t = await reviewTask();
    const csrf = await visitor.csrfOf(`/console/tasks/${t.taskId}`);
    const res = await visitor.post(`/console/tasks/${t.taskId}/label`, { _csrf: csrf, category: 'complaint' });
    expect(res.statusCode).toBe(303);
    const page = await visitor.get(`/console/tasks/${t.taskId}`);
    expect(page.body).toContain(`Reply labelled complaint (the classifier said satisfied); task ${t.taskId} closed.`);
    expect((await pool.query('SELECT category, classified_category, needs_review, labelled_by FROM survey_replies WHERE id = $1', [t.replyId])).rows).toEqual([
      { category: 'complaint', classified_category: 'satisfied', needs_review: false, labelled_by: username },
    ]);
    expect((await pool.query('SELECT status, resolution FROM agent_tasks WHERE id = $1', [t.taskId])).rows).toEqual([{ status: 'closed', resolution: 'labelled complaint' }]);
  });

  it('refuses a category that does not exist (400) and a task another agent has taken (409), changing nothing', async () => {
    const first = await signedIn('Agent One');
    const second = await signedIn('Agent Two');
    const t = await reviewTask();
    const csrf1 = await first.visitor.csrfOf(`/console/tasks/${t.taskId}`);
    expect((await first.visitor.post(`/console/tasks/${t.taskId}/label`, { _csrf: csrf1, category: 'furious' })).statusCode).toBe(400);
    expect((await first.visitor.post(`/console/tasks/${t.taskId}/take`, { _csrf: csrf1 })).statusCode).toBe(303);
    const csrf2 = await second.visitor.csrfOf(`/console/tasks/${t.taskId}`);
    const taken = await second.visitor.post(`/console/tasks/${t.taskId}/take`, { _csrf: csrf2 });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain(`Refused: ${first.username} has already taken this task.`);
    const label = await second.visitor.post(`/console/tasks/${t.taskId}/label`, { _csrf: csrf2, category: 'complaint' });
    expect(label.statusCode).toBe(409);
    const close = await second.visitor.post(`/console/tasks/${t.taskId}/close`, { _csrf: csrf2, resolution: '' });
    expect(close.statusCode).toBe(400);
    expect(close.body).toContain('Resolution is required');
    expect((await pool.query('SELECT status, assignee FROM agent_tasks WHERE id = $1', [t.taskId])).rows).toEqual([{ status: 'taken', assignee: first.username }]);
    expect((await pool.query('SELECT category FROM survey_replies WHERE id = $1', [t.replyId])).rows).toEqual([{ category: 'satisfied' }]);
  });

  it("lists a review task without quoting the customer's reply (the task page shows it, logged)", async () => {
    const { visitor } = await signedIn();
    const t = await reviewTask();
    await pool.query(`UPDATE agent_tasks SET summary = 'review the classification: satisfied (confidence 0.41) — "it works but makes a sound"' WHERE id = $1`, [t.taskId]);
    const list = await visitor.get(`/console/tasks?centre=${t.centreId}`);
    expect(list.body).toContain('review the classification: satisfied (confidence 0.41)');
    expect(list.body).not.toContain('it works but makes a sound');
    expect((await visitor.get(`/console/tasks/${t.taskId}`)).body).toContain('it works but makes a sound');
  });

  it('an unknown task is a 404 page', async () => {
    const { visitor } = await signedIn();
    expect((await visitor.get('/console/tasks/999999999')).statusCode).toBe(404);
    expect((await visitor.get('/console/tasks/abc')).statusCode).toBe(404);
  });
});

describe('console: unmatched messages', () => {
  it('logs each message shown as read by the operator', async () => {
    const { visitor, username } = await signedIn();
    const sms = await unmatchedSms();
    const page = await visitor.get('/console/inbox');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(sms.text);
    expect((await pool.query(`SELECT username, what FROM personal_data_access_log WHERE inbox_id = $1`, [sms.id])).rows).toEqual([{ username, what: 'unmatched_message' }]);
  });

  it('refuses an id that is not a UUID (400), an unknown request (404) and a message already assigned (409)', async () => {
    const { visitor } = await signedIn();
    const sms = await unmatchedSms();
    const csrf = await visitor.csrfOf('/console/inbox');
    const bad = await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: 'request 12' });
    expect(bad.statusCode).toBe(400);
    const unknownId = randomUUID();
    const unknown = await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: unknownId });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain(`No request with id ${unknownId}.`);
    expect((await pool.query('SELECT status, request_id FROM inbox WHERE id = $1', [sms.id])).rows).toEqual([{ status: 'unmatched', request_id: null }]);

    const req = await seedRequest(pool, { closed: true });
    expect((await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: req.requestId })).statusCode).toBe(303);
    const again = await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: req.requestId });
    expect(again.statusCode).toBe(409);
  });

  it('a message assigned to a closed request is kept as its late reply, as any late reply is', async () => {
    const { visitor } = await signedIn();
    const sms = await unmatchedSms('2 still broken');
    const req = await seedRequest(pool, { closed: true });
    const csrf = await visitor.csrfOf('/console/inbox');
    await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: req.requestId });
    expect((await visitor.get('/console/inbox')).body).toContain('the request is closed, so it is kept as a late reply');
    expect((await pool.query('SELECT status FROM inbox WHERE id = $1', [sms.id])).rows).toEqual([{ status: 'late' }]);
    expect((await pool.query('SELECT late, text FROM survey_replies WHERE request_id = $1', [req.requestId])).rows).toEqual([{ late: true, text: '2 still broken' }]);
  });

  it('a reply the webhook could not match to one request (a match_reply task) is shown without a request, and assigning it settles the task', async () => {
    const { visitor, username } = await signedIn();
    const sms = await unmatchedSms('4 #999999');
    const task = await pool.query(
      `INSERT INTO agent_tasks (kind, inbox_id, summary) VALUES ('match_reply', $1, 'SMS reply from +821012345678 with several open surveys and an unknown code 999999') RETURNING id`,
      [sms.id],
    );
    const taskId = Number(task.rows[0].id);
    const list = await visitor.get('/console/tasks');
    expect(list.body).toContain(`href="/console/tasks/${taskId}"`);
    const page = await visitor.get(`/console/tasks/${taskId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('unknown code 999999');
    expect(page.body).toContain('href="/console/inbox"');
    expect((await pool.query(`SELECT what FROM personal_data_access_log WHERE inbox_id = $1 AND username = $2`, [sms.id, username])).rows).toEqual([{ what: 'task_contact' }]);

    const req = await seedRequest(pool, { closed: true });
    const csrf = await visitor.csrfOf('/console/inbox');
    expect((await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: req.requestId })).statusCode).toBe(303);
    expect((await pool.query('SELECT status, assignee, resolution FROM agent_tasks WHERE id = $1', [taskId])).rows).toEqual([
      { status: 'closed', assignee: username, resolution: `assigned in the console to request ${req.requestId}` },
    ]);
  });

  it('while Temporal does not answer, an assigned message stays pending for the relay', async () => {
    const { visitor } = await signedIn();
    const sms = await unmatchedSms();
    const req = await seedRequest(pool);
    const csrf = await visitor.csrfOf('/console/inbox');
    await visitor.post(`/console/inbox/${sms.id}/assign`, { _csrf: csrf, requestId: req.requestId });
    expect((await visitor.get('/console/inbox')).body).toContain('stored; it is passed on as soon as Temporal answers');
    expect((await pool.query('SELECT status, request_id FROM inbox WHERE id = $1', [sms.id])).rows).toEqual([{ status: 'pending', request_id: req.requestId }]);
  });
});

describe('console: consent, escalations, timeline', () => {
  it("shows a customer's consent per channel (logged), records a withdrawal, and lists who read the data", async () => {
    const { visitor, username } = await signedIn();
    const req = await seedRequest(pool, { language: 'en' });
    await pool.query(`INSERT INTO contact_opt_outs (customer_id, channel, reason) VALUES ($1, 'sms', 'STOP')`, [req.customerId]);
    const page = await visitor.get(`/console/customers/${req.customerId}/consent`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/SMS<\/td><td><strong>withdrawn<\/strong><\/td><td>STOP/);
    expect(page.body).toMatch(/Email<\/td><td>may be contacted/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    expect((await visitor.post(`/console/customers/${req.customerId}/consent/withdraw`, { _csrf: csrf, channel: 'email' })).statusCode).toBe(303);
    expect((await pool.query('SELECT channel, reason FROM contact_opt_outs WHERE customer_id = $1 ORDER BY channel', [req.customerId])).rows).toEqual([
      { channel: 'email', reason: `operator:${username}` },
      { channel: 'sms', reason: 'STOP' },
    ]);
    const after = await visitor.get(`/console/customers/${req.customerId}/consent`);
    expect(after.body).toContain('Consent for Email withdrawn.');
    expect((await pool.query(`SELECT count(*)::int AS n FROM personal_data_access_log WHERE customer_id = $1 AND what = 'customer_consent'`, [req.customerId])).rows).toEqual([{ n: 2 }]);
    expect(after.body).toContain(`<td>${username}</td><td>customer_consent</td>`);
  });

  it("shows the customer's opt-ins apart from their service consent: advertisements held, WhatsApp withdrawn with its reason", async () => {
    const { visitor } = await signedIn();
    const req = await seedRequest(pool, { language: 'en' });
    const none = await visitor.get(`/console/customers/${req.customerId}/consent`);
    expect(none.body).toContain('No opt-ins: no advertisements, no WhatsApp.');
    await grantOptIn(pool, req.customerId, 'marketing', 'registration');
    await grantOptIn(pool, req.customerId, 'whatsapp', 'registration');
    await withdrawOptIn(pool, req.customerId, ['whatsapp'], 'whatsapp keyword STOP');
    const page = await visitor.get(`/console/customers/${req.customerId}/consent`);
    expect(page.body).toMatch(/Advertisements<\/td><td>given<\/td><td>registration · /);
    expect(page.body).toMatch(/WhatsApp<\/td><td><strong>withdrawn<\/strong><\/td><td>whatsapp keyword STOP · /);
    expect(page.body).not.toContain('Advertisements 21:00');
  });

  it('lists escalations by kind, linking each request and its workflow', async () => {
    const { visitor } = await signedIn();
    const req = await seedRequest(pool);
    await pool.query(`INSERT INTO escalations (request_id, kind, detail) VALUES ($1, 'late_completion', 'completion is overdue')`, [req.requestId]);
    const page = await visitor.get('/console/escalations?kind=late_completion');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`/console/requests/${req.requestId}`);
    expect(page.body).toContain(`https://ui.example.test/namespaces/prod/workflows/service-request-${req.requestId}`);
    const korean = await new ConsoleVisitor(app, 'ko').get('/console/escalations');
    expect(korean.statusCode).toBe(303); // no session there: the language alone opens nothing
  });

  it("shows a request's timeline in order, in Korean when asked, and 404 for an unknown one", async () => {
    const { visitor } = await signedIn('Agent Kang', 'ko-KR');
    const req = await seedRequest(pool);
    await pool.query(
      `INSERT INTO outbox (idempotency_key, request_id, channel, purpose, recipient, body, mode, status, created_at, sent_at)
       VALUES ($1, $2, 'sms', 'survey', '+821000000000', '{}', 'sandbox', 'sent', now() + interval '1 hour', now() + interval '1 hour')`,
      [`k-${randomUUID()}`, req.requestId],
    );
    await pool.query(`INSERT INTO loyalty_ledger (customer_id, request_id, kind, points, reference) VALUES ($1, $2, 'survey_reply_grant', 500, $3)`, [req.customerId, req.requestId, `r-${randomUUID()}`]);
    const page = await visitor.get(`/console/requests/${req.requestId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<h1>요청 ${req.requestId}</h1>`);
    expect(page.body).toContain('<dd id="points">500</dd>');
    const created = page.body.indexOf('request.created');
    const sent = page.body.indexOf('message.sent');
    expect(created).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(created);
    expect(page.body).not.toContain('+821000000000'); // the timeline names channels and purposes, never recipients
    expect((await visitor.get(`/console/requests/${randomUUID()}`)).statusCode).toBe(404);
    expect((await visitor.get('/console/requests?id=not-a-uuid')).statusCode).toBe(400);
    expect((await visitor.get(`/console/requests?id=${req.requestId}`)).headers.location).toBe(`/console/requests/${req.requestId}`);
  });
});
