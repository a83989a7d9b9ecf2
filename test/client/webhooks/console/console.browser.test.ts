import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Pool } from '../../../../db/pool';
import { acceptInbound } from '../../../../db/queries/inbox';
import { serviceRequestWorkflowId } from '../../../../workflows/messages';
import { testPool } from '../../../support/db';
import { buildTestServer, seedRequest, startProbeWorker, type ProbeWorker } from '../webhookApp';
import { PASSWORD, seedOperator } from './consoleSupport';

const TEMPORAL_UI = 'https://temporal-ui.example.test';

describe('operator console in headless Chromium', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    pool = testPool();
    probe = await startProbeWorker(inject('temporalAddress'));
    app = await buildTestServer(pool, probe.client, probe.connection, {
      console: { cookieSecret: 'browser-test-cookie-secret-0123456789abcdef', temporalUiUrl: TEMPORAL_UI, temporalNamespace: 'default', timeZone: 'Asia/Seoul' },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await probe?.stop();
    await pool?.end();
  });

  async function click(page: Page, name: string | RegExp) {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
  }

  it('an agent signs in, takes a task, reads the customer and the reply, adds a note, closes it; an operator assigns an unmatched reply; they sign out', async () => {
    const operator = await seedOperator(pool, 'Agent Park');
    // A request whose workflow is running (the probe stands in for it), with a complaint task.
    const request = await seedRequest(pool, { language: 'ko' });
    await probe.probe(request.requestId);
    const complaint = `The fridge still rattles ${randomBytes(3).toString('hex')}`;
    await pool.query(`INSERT INTO survey_replies (request_id, channel, rating, text, category, received_at) VALUES ($1, 'sms', 2, $2, 'complaint', now())`, [request.requestId, complaint]);
    const task = await pool.query(`INSERT INTO agent_tasks (request_id, service_centre_id, kind, summary) VALUES ($1, $2, 'complaint', 'complaint — Refrigerator: Not cooling') RETURNING id`, [
      request.requestId,
      request.centreId,
    ]);
    const taskId = Number(task.rows[0].id);
    // An SMS from a number nobody knows: kept unmatched for a person.
    const smsText = `5 thank you, all fixed ${randomBytes(3).toString('hex')}`;
    const unmatched = await acceptInbound(pool, {
      source: 'twilio-sms',
      eventId: `SM${randomBytes(16).toString('hex')}`,
      requestId: null,
      kind: 'survey-reply',
      payload: { text: smsText, rating: 5, raw: { From: '+821099990000', Body: smsText } },
    });

    const context = await browser.newContext({ locale: 'en-GB', extraHTTPHeaders: { 'accept-language': 'en-GB,en;q=0.9' } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    // Without a session the console sends the agent to the sign-in form, and back afterwards.
    await page.goto(`${base}/console/tasks`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in');
    await page.getByLabel('Username').fill(operator.username);
    await page.getByLabel('Password').fill('a wrong password');
    await click(page, 'Sign in');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('The username or password is wrong.');
    await page.getByLabel('Password').fill(PASSWORD);
    await click(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/console/tasks');
    await expect(page.getByText('Signed in as Agent Park').isVisible()).resolves.toBe(true);
    // The session cookie is not readable by scripts.
    expect(await page.evaluate('document.cookie')).not.toContain('console_session');

    // The agent narrows the queue to their centre, then opens the task.
    await page.getByRole('textbox', { name: 'Centre' }).fill(request.centreId);
    await click(page, 'Show');
    expect(new URL(page.url()).searchParams.get('centre')).toBe(request.centreId);
    // The task: the customer's contact details and reply are shown, and that showing is logged.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: String(taskId), exact: true }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Task ${taskId}: complaint`);
    await expect(page.locator('#reply-text').textContent()).resolves.toBe(complaint);
    await expect(page.getByRole('link', { name: request.mobile }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('link', { name: request.email! }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Kim Minji').isVisible()).resolves.toBe(true);
    expect(await page.getByRole('link', { name: 'Workflow in the Temporal Web UI' }).getAttribute('href')).toBe(
      `${TEMPORAL_UI}/namespaces/default/workflows/${serviceRequestWorkflowId(request.requestId)}`,
    );
    const logged = await pool.query(`SELECT username, what, request_id FROM personal_data_access_log WHERE customer_id = $1`, [request.customerId]);
    expect(logged.rows).toEqual([{ username: operator.username, what: 'task_contact', request_id: request.requestId }]);

    const shots = await mkdtemp(path.join(os.tmpdir(), 'console-'));
    await page.screenshot({ path: path.join(shots, 'task.png'), fullPage: true });
    console.log(`console screenshots: ${shots}`);
    await click(page, 'Take this task');
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Task ${taskId} taken by ${operator.username}.`);
    await page.getByRole('textbox', { name: 'Note' }).fill('Called the customer; a technician will return on Friday.');
    await click(page, 'Add note');
    await expect(page.getByRole('status').textContent()).resolves.toBe('Note added.');
    await expect(page.getByText('Called the customer; a technician will return on Friday.').isVisible()).resolves.toBe(true);
    await page.getByRole('textbox', { name: 'Resolution' }).fill('Revisit booked for Friday');
    await click(page, 'Close with this resolution');
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Task ${taskId} closed.`);
    expect((await pool.query('SELECT status, assignee, resolution FROM agent_tasks WHERE id = $1', [taskId])).rows).toEqual([
      { status: 'closed', assignee: operator.username, resolution: 'Revisit booked for Friday' },
    ]);
    expect((await pool.query('SELECT author, body FROM agent_task_notes WHERE task_id = $1', [taskId])).rows).toEqual([
      { author: operator.username, body: 'Called the customer; a technician will return on Friday.' },
    ]);

    // The unmatched SMS: the operator reads it and gives it its request; the workflow gets the reply.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Unmatched messages' }).click()]);
    const row = page.locator('tr', { hasText: smsText });
    await expect(row.getByText('+821099990000').isVisible()).resolves.toBe(true);
    await row.getByLabel('Request id').fill(request.requestId);
    await Promise.all([page.waitForNavigation(), row.getByRole('button', { name: 'Assign' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Message ${unmatched.id} assigned to request ${request.requestId}: the workflow has it.`);
    await expect(page.getByText(smsText).count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(shots, 'inbox.png'), fullPage: true });
    const signals = await probe.waitForSignals(request.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyReply', payload: { eventId: expect.stringMatching(/^twilio-sms:SM/), channel: 'sms', inboxId: unmatched.id, rating: 5, at: expect.any(String) } });
    expect((await pool.query('SELECT status, request_id, assigned_by FROM inbox WHERE id = $1', [unmatched.id])).rows).toEqual([
      { status: 'delivered', request_id: request.requestId, assigned_by: operator.username },
    ]);

    // The request's timeline shows what happened, and the page switches to Korean.
    await page.goto(`${base}/console/requests/${request.requestId}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(`Request ${request.requestId}`);
    await expect(page.locator('td', { hasText: 'task.closed' }).count()).resolves.toBe(1);
    await expect(page.locator('td', { hasText: 'inbound.delivered' }).count()).resolves.toBe(1);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '한국어' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe(`요청 ${request.requestId}`);
    expect(await page.getAttribute('html', 'lang')).toBe('ko');
    await page.screenshot({ path: path.join(shots, 'timeline-ko.png'), fullPage: true });

    // Signing out ends the session: the console is closed again.
    await click(page, '로그아웃');
    await expect(page.getByRole('status').textContent()).resolves.toBe('로그아웃되었습니다.');
    await page.goto(`${base}/console/tasks`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    expect(errors).toEqual([]);
    await context.close();
  });
});
