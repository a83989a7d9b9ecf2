import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../../activities';
import type { Pool } from '../../../db/pool';
import { createServiceWorker } from '../../../worker/createWorker';
import { getStateQuery, serviceRequestWorkflowId, technicianProgressSignal } from '../../../workflows/messages';
import { serviceRequestWorkflow } from '../../../workflows/serviceRequest';
import type { ServiceRequestInput } from '../../../workflows/types';
import { activityDeps, createRequest, type Network } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { testPolicy } from '../../workflows/requestFixtures';
import { buildTestServer, waitFor } from './webhookApp';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const DAY = 86_400_000;

/**
 * A customer walks their request in a phone-sized headless Chromium, against the real workflow,
 * activities and database: the link from the choice message, the choice, the request page the
 * answer links to, moving the visit, the ETA notice when the technician sets out, cancelling.
 */
describe('the customer’s request page in headless Chromium', () => {
  const taskQueue = `request-page-${randomUUID()}`;
  let pool: Pool;
  let connection: Connection;
  let client: Client;
  let nativeConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  let app: FastifyInstance;
  let browser: Browser;
  const started: string[] = [];

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Already installed in this test process: keep that one.
    }
    pool = testPool();
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    app = await buildTestServer(pool, client, connection);
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const deps = activityDeps(pool);
    const activities = createActivities({ ...deps, settings: { ...deps.settings, publicBaseUrl: base } });
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    worker = await createServiceWorker({ connection: nativeConnection, namespace: 'default', taskQueue, activities });
    workerRun = worker.run();
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const id of started) await client?.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await browser?.close();
    await app?.close();
    if (worker) {
      worker.shutdown();
      await workerRun;
    }
    await nativeConnection?.close();
    await connection?.close();
    await pool?.end();
  });

  /** A request whose technicians have slots from three days ahead; the workflow runs it for real. */
  async function startedRequest(language: 'ko' | 'en') {
    const slotStart = new Date(Math.ceil((Date.now() + 3 * DAY) / 3_600_000) * 3_600_000);
    const net: Network = await seedNetwork(pool, { technicians: 2, slotsPerTechnician: 3, slotStart });
    const window = { start: new Date(Date.now() + 3_600_000), end: new Date(Date.now() + 10 * DAY) };
    const { requestId, customerId } = await createRequest(pool, net, { language, mobile: `+8210${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`, window });
    const input: ServiceRequestInput = {
      requestId,
      customer: { customerId, areaCode: net.areaCode, language },
      product: { field: net.field, fault: 'Not cooling' },
      wantedWindow: { start: window.start.toISOString(), end: window.end.toISOString() },
      policy: { ...testPolicy, rescheduleNoticeMs: DAY, maxReschedules: 2 },
    };
    const handle = await client.workflow.start(serviceRequestWorkflow, { taskQueue, workflowId: serviceRequestWorkflowId(requestId), args: [input] });
    started.push(handle.workflowId);
    return { net, requestId, handle };
  }

  /** The link in the latest message of this purpose the customer was sent. */
  const linkIn = (requestId: string, purpose: string, path: string) =>
    waitFor(`a ${purpose} message with a ${path} link`, async () => {
      const { rows } = await pool.query(`SELECT body->>'text' AS text FROM outbox WHERE request_id = $1 AND purpose = $2 ORDER BY id DESC LIMIT 1`, [requestId, purpose]);
      return rows[0]?.text.match(new RegExp(`https?://[^\\s]+/${path}/[A-Za-z0-9_-]+`))?.[0] as string | undefined;
    });

  const submit = async (page: Page, button: string) => {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button }).tap()]);
    return response;
  };

  it('a customer chooses, moves the visit, hears the technician is on the way, and cancels (en)', async () => {
    const { net, requestId, handle } = await startedRequest('en');
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();

    // The choice: the page answers with what was really booked, and links the request page.
    await page.goto(await linkIn(requestId, 'technician-choice', 'choose'));
    await page.locator('label.offer', { hasText: 'Technician 1' }).tap();
    const chosen = await submit(page, 'Choose this technician');
    if (chosen?.status() === 202) {
      // The booking took longer than the page waits (a loaded machine): it says so, and the request page shows it once made.
      await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/^Your choice of Technician 1 is recorded and the visit is being booked: .+\./);
    } else {
      expect(chosen?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('Your visit is booked');
      await expect(page.locator('[role=status]').textContent()).resolves.toMatch(/^Technician 1 will visit on .+, \d\d:\d\d–\d\d:\d\d\.$/);
    }
    // The job is dispatched and the visit announced: then the customer opens their request page.
    await waitFor('the booked visit', async () => ((await handle.query(getStateQuery)).stage === 'awaiting_completion' ? true : undefined));
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Your request/ }).tap()]);

    // The request page, phone-sized: the stage in plain words, the visit, the technician.
    await expect(page.locator('h1').textContent()).resolves.toBe('Your service request');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await expect(page.getByTestId('stage').textContent()).resolves.toBe('Your visit is booked.');
    await expect(page.getByTestId('technician').textContent()).resolves.toBe('Technician 1');
    const firstVisit = await page.getByTestId('visit').textContent();
    // The visit notice links the same page.
    expect(await linkIn(requestId, 'visit-notice', 'requests')).toMatch(/\/requests\//);

    // Move the visit to the last free time offered (another technician's or a later slot).
    const times = page.locator('form[action$="/reschedule"] label.offer');
    expect(await times.count()).toBeGreaterThan(0);
    const target = times.last();
    const targetText = (await target.textContent())!.trim();
    await target.tap();
    const moved = await submit(page, 'Move my visit');
    expect(moved?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Visit moved');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Back to your request' }).tap()]);
    const secondVisit = await page.getByTestId('visit').textContent();
    expect(secondVisit).not.toBe(firstVisit);
    expect(targetText).toContain(secondVisit!);
    const state = await handle.query(getStateQuery);
    expect(state.reschedules).toBe(1);
    const { rows: bookings } = await pool.query(`SELECT status FROM bookings WHERE request_id = $1 ORDER BY id`, [requestId]);
    expect(bookings.map((b) => b.status)).toEqual(['released', 'active']);

    // The technician sets out: the customer gets an ETA by SMS, and the page says so (no more moving).
    await handle.signal(technicianProgressSignal, { eventId: 'en-route-1', technicianId: state.technicianId!, status: 'en_route', at: new Date().toISOString() });
    const eta = await waitFor('the ETA notice', async () => {
      const { rows } = await pool.query(`SELECT channel, body->>'text' AS text FROM outbox WHERE request_id = $1 AND purpose = 'eta-notice'`, [requestId]);
      return rows[0] as { channel: string; text: string } | undefined;
    });
    expect(eta.channel).toBe('sms');
    expect(eta.text).toMatch(/is on the way .* expects to arrive by \d\d:\d\d\. Your request: http/);
    await page.reload();
    await expect(page.locator('[role=status]').first().textContent()).resolves.toMatch(/is on the way\./);
    expect(await page.locator('form[action$="/reschedule"]').count()).toBe(0);

    // Cancel: the answer names the released visit; the page then says the request is cancelled.
    const cancelUrl = page.url();
    await page.fill('textarea[name=reason]', 'Fixed it myself');
    const cancelled = await submit(page, 'Cancel my request');
    expect(cancelled?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Request cancelled');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain(`the visit on ${secondVisit}`);
    expect((await handle.result()).closeReason).toBe('cancelled');
    await page.goto(cancelUrl);
    await expect(page.getByTestId('stage').textContent()).resolves.toBe('This request is cancelled.');
    expect(await page.getByRole('button').count()).toBe(0);
    expect(net.technicianIds).toContain(state.technicianId);
    await context.close();
  });

  it('a refused change says why, in Korean, and a button works only once', async () => {
    const { requestId, handle } = await startedRequest('ko');
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(await linkIn(requestId, 'technician-choice', 'choose'));
    const chosen = await submit(page, '이 기사 선택');
    if (chosen?.status() === 200) await expect(page.locator('h1').textContent()).resolves.toBe('방문 예약이 확정되었습니다');
    await waitFor('the booking', async () => ((await handle.query(getStateQuery)).stage === 'awaiting_completion' ? true : undefined));
    // The page is open with its move button when the technician sets out: the move is refused, with the reason.
    await page.goto(await linkIn(requestId, 'visit-notice', 'requests'));
    await page.locator('form[action$="/reschedule"] label.offer').first().tap();
    await handle.signal(technicianProgressSignal, { eventId: 'en-route-ko', technicianId: (await handle.query(getStateQuery)).technicianId!, status: 'en_route', at: new Date().toISOString() });
    await waitFor('the progress on record', async () => ((await handle.query(getStateQuery)).progress.length > 0 ? true : undefined));
    const refused = await submit(page, '방문 일정 변경');
    expect(refused?.status()).toBe(409);
    await expect(page.locator('h1').textContent()).resolves.toBe('변경되지 않았습니다');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('기사가 이미 출발하여');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '요청 페이지로 돌아가기' }).tap()]);
    expect(await page.getByRole('button', { name: '방문 일정 변경' }).count()).toBe(0);
    await expect(page.locator('[role=status]').first().textContent()).resolves.toMatch(/기사가 출발했습니다/);

    // The cancel form sent twice (a double tap the browser sends again): one cancellation, the second use refused.
    const cancelAction = new URL((await page.locator('form[action$="/cancel"]').getAttribute('action'))!, page.url()).href;
    const cancelToken = await page.locator('form[action$="/cancel"] input[name=action]').inputValue();
    const first = await submit(page, '요청 취소');
    expect(first?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('요청이 취소되었습니다');
    const again = await page.request.post(cancelAction, { form: { action: cancelToken } });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('이미 사용된 버튼');
    expect((await handle.result()).closeReason).toBe('cancelled');
    await context.close();
  });
});
