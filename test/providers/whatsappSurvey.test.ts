import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactActivities } from '../../activities/contact';
import type { ActivityDeps } from '../../activities/deps';
import { createSurveyActivities } from '../../activities/survey';
import { grantOptIn } from '../../db/queries/consent';
import type { Pool } from '../../db/pool';
import { recordWhatsappInbound } from '../../db/queries/whatsapp';
import { createTwilioGateways } from '../../providers/twilio';
import { activityDeps, createRequest } from '../activities/assignmentFixtures';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { startFakeApi } from './fakeHttp';
import { LocalRequestClient, TWILIO_TEST_ACCOUNT as ACCOUNT, TWILIO_TEST_TOKEN as TOKEN } from './localTwilio';

const SURVEY_TEMPLATE = `HX${'a1'.repeat(16)}`;
const REMINDER_TEMPLATE = `HX${'b2'.repeat(16)}`;
const CENTRE_WHATSAPP = '+8215880103';
const DAY = 86_400_000;

/** The WhatsApp survey through the real Twilio SDK against a fake Messages API (US claim 27). */
describe('the survey on WhatsApp', () => {
  let pool: Pool;
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let deps: ActivityDeps;

  beforeAll(async () => {
    pool = testPool();
    api = await startFakeApi(() => ({ status: 201, body: { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued' } }));
    const twilio = createTwilioGateways({ accountSid: ACCOUNT, authToken: TOKEN, httpClient: new LocalRequestClient(api.url) });
    const base = activityDeps(pool);
    deps = { ...base, gateways: { ...base.gateways, whatsapp: twilio.whatsapp }, settings: { ...base.settings, whatsappTemplates: { survey: SURVEY_TEMPLATE, reminder: REMINDER_TEMPLATE } } };
  });
  afterAll(async () => {
    await api?.close();
    await pool?.end();
  });

  const customer = async (options: { consent?: boolean; centreWhatsapp?: string | null } = {}) => {
    const net = await seedNetwork(pool, { technicians: 0 });
    if (options.centreWhatsapp !== null) await pool.query('UPDATE service_centres SET whatsapp_sender = $2 WHERE id = $1', [net.centreId, options.centreWhatsapp ?? CENTRE_WHATSAPP]);
    const mobile = `+8210${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
    const req = await createRequest(pool, net, { mobile, language: 'ko' });
    if (options.consent !== false) await grantOptIn(pool, req.customerId, 'whatsapp', 'test');
    return { ...req, mobile };
  };
  const sentTo = (mobile: string) =>
    api.requests.map((r) => ({ path: r.path, form: Object.fromEntries(new URLSearchParams(r.body)) })).filter((r) => r.form.To === `whatsapp:${mobile}`);

  it('the first message is the approved template with its variables, from the centre\'s WhatsApp sender', async () => {
    const c = await customer();
    await createSurveyActivities(deps).sendSurveyWhatsapp({ requestId: c.requestId, attempt: 1, replyWindowMs: 7 * DAY });
    const [sent] = sentTo(c.mobile);
    expect(sent!.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(sent!.form).toMatchObject({ From: `whatsapp:${CENTRE_WHATSAPP}`, ContentSid: SURVEY_TEMPLATE });
    expect(sent!.form.Body).toBeUndefined();
    expect(sent!.form.StatusCallback).toMatch(/^http:\/\/localhost:3000\/webhooks\/twilio\/whatsapp\/status\?requestId=[\w-]+&purpose=survey#/);
    const variables = JSON.parse(sent!.form.ContentVariables!);
    expect(variables).toMatchObject({ '1': 'Gangnam Service Centre', '2': 'Refrigerator' });
    expect(variables['3']).toMatch(/^http:\/\/localhost:3000\/survey\/[\w-]+$/);
    const { rows } = await pool.query(`SELECT channel, sender, recipient, body FROM outbox WHERE request_id = $1`, [c.requestId]);
    expect(rows).toEqual([{ channel: 'whatsapp', sender: CENTRE_WHATSAPP, recipient: c.mobile, body: { template: { contentSid: SURVEY_TEMPLATE, variables } } }]);
  });

  it('inside the 24-hour session after the customer wrote, the survey is free text', async () => {
    const c = await customer();
    await recordWhatsappInbound(pool, c.customerId, new Date(Date.now() - 3_600_000));
    await createSurveyActivities(deps).sendSurveyWhatsapp({ requestId: c.requestId, attempt: 1, replyWindowMs: 7 * DAY });
    const [sent] = sentTo(c.mobile);
    expect(sent!.form.ContentSid).toBeUndefined();
    expect(sent!.form.Body).toContain('수리는 만족스러우셨나요?');
  });

  it('outside the session without a template, without consent, or without a centre sender it cannot go, for good', async () => {
    const noTemplate = await customer();
    const withoutTemplate = createSurveyActivities({ ...deps, settings: { ...deps.settings, whatsappTemplates: {} } });
    await expect(withoutTemplate.sendSurveyWhatsapp({ requestId: noTemplate.requestId, attempt: 1, replyWindowMs: DAY })).rejects.toMatchObject({ type: 'PermanentDeliveryFailure', message: expect.stringContaining('template') });
    const noConsent = await customer({ consent: false });
    await expect(createSurveyActivities(deps).sendSurveyWhatsapp({ requestId: noConsent.requestId, attempt: 1, replyWindowMs: DAY })).rejects.toMatchObject({ type: 'PermanentDeliveryFailure' });
    const noSender = await customer({ centreWhatsapp: null });
    await expect(createSurveyActivities(deps).sendSurveyWhatsapp({ requestId: noSender.requestId, attempt: 1, replyWindowMs: DAY })).rejects.toMatchObject({ type: 'PermanentDeliveryFailure' });
    expect([...sentTo(noTemplate.mobile), ...sentTo(noConsent.mobile), ...sentTo(noSender.mobile)]).toEqual([]);
  });

  it('the reminder is the reminder template outside the session, and none goes without one', async () => {
    const c = await customer();
    const survey = createSurveyActivities(deps);
    await survey.sendSurveyWhatsapp({ requestId: c.requestId, attempt: 1, replyWindowMs: 7 * DAY });
    await survey.sendReplyReminder({ requestId: c.requestId, channel: 'whatsapp' });
    const reminder = sentTo(c.mobile)[1]!;
    expect(reminder.form.ContentSid).toBe(REMINDER_TEMPLATE);
    expect(Object.keys(JSON.parse(reminder.form.ContentVariables!))).toEqual(['1', '2', '3', '4']);

    const other = await customer();
    await createSurveyActivities({ ...deps, settings: { ...deps.settings, whatsappTemplates: { survey: SURVEY_TEMPLATE } } }).sendReplyReminder({ requestId: other.requestId, channel: 'whatsapp' });
    expect(sentTo(other.mobile)).toEqual([]);
  });

  it('contact options offer WhatsApp only with consent, a centre sender, and a template or an open session', async () => {
    const options = async (requestId: string, d: ActivityDeps = deps) => (await createContactActivities(d).contactOptions({ requestId })).whatsapp;
    expect(await options((await customer()).requestId)).toBe(true);
    expect(await options((await customer({ consent: false })).requestId)).toBe(false);
    expect(await options((await customer({ centreWhatsapp: null })).requestId)).toBe(false);
    const noTemplates = { ...deps, settings: { ...deps.settings, whatsappTemplates: {} } };
    const c = await customer();
    expect(await options(c.requestId, noTemplates)).toBe(false);
    await recordWhatsappInbound(pool, c.customerId, new Date());
    expect(await options(c.requestId, noTemplates)).toBe(true);
  });
});
