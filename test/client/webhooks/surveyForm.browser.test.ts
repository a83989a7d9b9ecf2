import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { issueToken } from '../../../db/queries/accessTokens';
import type { Pool } from '../../../db/pool';
import { testPool } from '../../support/db';
import { buildTestServer, inboxRows, seedRequest, settledInboxRows, startProbeWorker, type ProbeWorker } from './webhookApp';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };

describe('web survey form in headless Chromium', () => {
  let pool: Pool;
  let probe: ProbeWorker;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    pool = testPool();
    probe = await startProbeWorker(inject('temporalAddress'));
    app = await buildTestServer(pool, probe.client, probe.connection);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await probe?.stop();
    await pool?.end();
  });

  async function surveyLink(language: 'ko' | 'en', options: { closed?: boolean; expiresInMs?: number } = {}) {
    const req = await seedRequest(pool, { language, closed: options.closed });
    const token = await issueToken(pool, 'survey', req.requestId, req.customerId, new Date(Date.now() + (options.expiresInMs ?? 86_400_000)));
    return { ...req, token, url: `${base}/survey/${token}` };
  }

  it.each([
    ['ko', '서비스는 만족스러우셨나요?', '답변 보내기', '감사합니다!', '냉장고 소리가 아직 조금 나요 <b>'],
    ['en', 'How was your repair?', 'Send my answer', 'Thank you!', 'Great & quick <b>'],
  ] as const)('a customer answers in %s on a phone', async (language, title, submit, thanks, comment) => {
    const s = await surveyLink(language);
    await probe.probe(s.requestId);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const response = await page.goto(s.url);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe(title);
    expect(await page.getAttribute('html', 'lang')).toBe(language);
    expect(await page.getAttribute('meta[name=viewport]', 'content')).toContain('width=device-width');
    // Fits the phone: nothing wider than the screen, buttons big enough to tap.
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    const box = await page.locator('label:has(input[name=overall][value="4"])').boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(40);

    await page.locator('label:has(input[name=kindness][value="5"])').tap();
    await page.locator('label:has(input[name=punctuality][value="4"])').tap();
    await page.locator('label:has(input[name=fixed][value="5"])').tap();
    await page.locator('label:has(input[name=overall][value="4"])').tap();
    await page.fill('textarea[name=comment]', comment);
    const [answer] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: submit }).tap()]);
    expect(answer?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe(thanks);

    // Thanked once stored; the answer is passed on to the workflow after the page is sent.
    const rows = await settledInboxRows(pool, s.requestId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source: 'web-form', status: 'delivered', payload: { text: comment, rating: 4, items: { kindness: 5, punctuality: 4, fixed: 5, overall: 4 } } });
    const signals = await probe.waitForSignals(s.requestId, 1);
    expect(signals[0]).toEqual({ signal: 'surveyReply', payload: { eventId: expect.stringMatching(/^web-form:[0-9a-f]{64}$/), channel: 'web', inboxId: Number(rows[0]!.id), rating: 4, at: expect.any(String) } });

    // The link is single-use: going back and sending again is refused.
    const again = await page.goto(s.url);
    expect(again?.status()).toBe(409);
    await context.close();
  });

  it('asks again, in the chosen language, when the overall rating is missing', async () => {
    const s = await surveyLink('ko');
    const page = await browser.newPage();
    await page.goto(`${s.url}?lang=en`);
    await expect(page.locator('h1').textContent()).resolves.toBe('How was your repair?');
    // The browser itself insists on the required item; a request without it gets a clear 400 too.
    const res = await page.request.post(`${s.url}?lang=en`, { form: { lang: 'en', kindness: '3', comment: 'hi' } });
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain('Please choose your overall satisfaction');
    const bad = await page.request.post(s.url, { form: { lang: 'en', overall: '9' } });
    expect(bad.status()).toBe(400);
    expect(await inboxRows(pool, s.requestId)).toHaveLength(0);
    await page.close();
  });

  it('explains unknown (404), expired (410) links, and a closed request keeps the answer as late', async () => {
    const page = await browser.newPage();
    const unknown = await page.goto(`${base}/survey/not-a-real-token?lang=en`);
    expect(unknown?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Survey not found');

    const expired = await surveyLink('ko', { expiresInMs: -1000 });
    const gone = await page.goto(expired.url);
    expect(gone?.status()).toBe(410);
    await expect(page.locator('h1').textContent()).resolves.toBe('설문이 마감되었습니다');

    const closed = await surveyLink('en', { closed: true });
    const res = await page.request.post(closed.url, { form: { lang: 'en', overall: '2' } });
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain('already closed');
    expect(await settledInboxRows(pool, closed.requestId)).toMatchObject([{ status: 'late' }]);
    expect((await pool.query('SELECT late, rating FROM survey_replies WHERE request_id = $1', [closed.requestId])).rows).toEqual([{ late: true, rating: 2 }]);
    await page.close();
  });

  it('unsubscribes by RFC 8058 one-click POST, and by the confirm button', async () => {
    const s = await seedRequest(pool, { language: 'en' });
    const token = await issueToken(pool, 'unsubscribe', s.requestId, s.customerId, new Date(Date.now() + 86_400_000));
    const oneClick = await app.inject({ method: 'POST', url: `/unsubscribe/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(oneClick.statusCode).toBe(200);
    const optOuts = async () => (await pool.query(`SELECT channel FROM contact_opt_outs WHERE customer_id = $1`, [s.customerId])).rows;
    expect(await optOuts()).toEqual([{ channel: 'email' }]);

    const other = await seedRequest(pool, { language: 'ko' });
    const token2 = await issueToken(pool, 'unsubscribe', other.requestId, other.customerId, new Date(Date.now() + 86_400_000));
    const page = await browser.newPage();
    await page.goto(`${base}/unsubscribe/${token2}`);
    expect((await pool.query(`SELECT 1 FROM contact_opt_outs WHERE customer_id = $1`, [other.customerId])).rowCount).toBe(0); // a GET changes nothing
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '수신거부' }).click()]);
    await expect(page.locator('h1').textContent()).resolves.toBe('수신거부되었습니다');
    expect((await pool.query(`SELECT channel FROM contact_opt_outs WHERE customer_id = $1`, [other.customerId])).rows).toEqual([{ channel: 'email' }]);
    expect((await page.goto(`${base}/unsubscribe/unknown-token`))?.status()).toBe(404);
    await page.close();
  });
});
