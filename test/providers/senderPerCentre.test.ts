import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssignmentActivities } from '../../activities/assignment';
import type { ActivityDeps } from '../../activities/deps';
import { createSurveyActivities } from '../../activities/survey';
import type { Pool } from '../../db/pool';
import { createSendGridGateway } from '../../providers/sendgrid';
import { createTwilioGateways } from '../../providers/twilio';
import { startFakeApi } from './fakeHttp';
import { LocalRequestClient, TWILIO_TEST_ACCOUNT, TWILIO_TEST_TOKEN } from './localTwilio';
import { testPool } from '../support/db';
import { seedNetwork, type CentreSenders } from '../support/fixtures';
import { activityDeps, createRequest } from '../activities/assignmentFixtures';

const GANGNAM: CentreSenders = { name: 'Gangnam Service Centre', senderName: 'Gangnam Service', senderEmail: 'survey@gangnam.service.example', senderPhone: '+8215880101', replyPhone: '+8215880102' };
const HAEUNDAE: CentreSenders = { name: 'Haeundae Service Centre', senderName: 'Haeundae Service', senderEmail: 'survey@haeundae.service.example', senderPhone: '+8215880201', replyPhone: '+8215880202' };

/**
 * KR claims 10-11, US 30-31: the customer hears from the service centre that serves their area,
 * on every channel, and the outbox records which sender each message went out from.
 */
describe('each customer hears from the centre that serves their area', () => {
  let pool: Pool;
  let twilioApi: Awaited<ReturnType<typeof startFakeApi>>;
  let sendgridApi: Awaited<ReturnType<typeof startFakeApi>>;
  let survey: ReturnType<typeof createSurveyActivities>;
  let deps: ActivityDeps;
  let sid = 0;

  beforeAll(async () => {
    pool = testPool();
    twilioApi = await startFakeApi((req) => ({ status: 201, body: { sid: `${req.path.includes('/Calls') ? 'CA' : 'SM'}${String(++sid).padStart(32, '0')}`, status: 'queued' } }));
    sendgridApi = await startFakeApi(() => ({ status: 202, headers: { 'X-Message-Id': `sg-${++sid}` } }));
    const twilio = createTwilioGateways({ accountSid: TWILIO_TEST_ACCOUNT, authToken: TWILIO_TEST_TOKEN, httpClient: new LocalRequestClient(twilioApi.url) });
    const email = createSendGridGateway({ apiKey: 'SG.fake-key', baseUrl: sendgridApi.url });
    deps = { ...activityDeps(pool), gateways: { sms: twilio.sms, voice: twilio.voice, whatsapp: twilio.whatsapp, email } };
    survey = createSurveyActivities(deps);
  });
  afterAll(async () => {
    await twilioApi?.close();
    await sendgridApi?.close();
    await pool?.end();
  });

  const customerIn = async (centre: CentreSenders, mobile: string) => {
    const net = await seedNetwork(pool, { technicians: 0, centre });
    return createRequest(pool, net, { mobile, language: 'ko' });
  };
  const twilioRequestsTo = (to: string) =>
    twilioApi.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body))).filter((p) => p.To === to);
  const sendgridRequestTo = (to: string) =>
    sendgridApi.requests.map((r) => JSON.parse(r.body)).filter((b) => b.personalizations[0].to[0].email === to);
  const outboxOf = async (requestId: string) =>
    (await pool.query<{ channel: string; sender: string }>('SELECT channel, sender FROM outbox WHERE request_id = $1 ORDER BY id', [requestId])).rows;

  it('the survey call, SMS and email of a Gangnam customer and a Haeundae customer each come from their own centre', async () => {
    const minji = await customerIn(GANGNAM, '+821055501001');
    const jiho = await customerIn(HAEUNDAE, '+821055502002');
    for (const { requestId } of [minji, jiho]) {
      await survey.placeSurveyCall({ requestId, attempt: 1 });
      await survey.sendSurveySms({ requestId, attempt: 1, replyWindowMs: 86_400_000 });
      await survey.sendSurveyEmail({ requestId, attempt: 1, replyWindowMs: 86_400_000 });
    }

    const [minjiCall, minjiSms] = twilioRequestsTo('+821055501001');
    expect(minjiCall).toMatchObject({ From: GANGNAM.replyPhone }); // the call comes from the line the customer can call back
    expect(minjiSms).toMatchObject({ From: GANGNAM.senderPhone });
    expect(minjiSms!.Body).toContain(GANGNAM.replyPhone);
    const [jihoCall, jihoSms] = twilioRequestsTo('+821055502002');
    expect(jihoCall).toMatchObject({ From: HAEUNDAE.replyPhone });
    expect(jihoSms).toMatchObject({ From: HAEUNDAE.senderPhone });
    expect(jihoSms!.Body).toContain(HAEUNDAE.replyPhone);

    expect(sendgridRequestTo(`${minji.customerId}@example.com`)[0].from).toEqual({ email: GANGNAM.senderEmail, name: GANGNAM.senderName });
    expect(sendgridRequestTo(`${jiho.customerId}@example.com`)[0].from).toEqual({ email: HAEUNDAE.senderEmail, name: HAEUNDAE.senderName });

    expect(await outboxOf(minji.requestId)).toEqual([
      { channel: 'voice', sender: GANGNAM.replyPhone },
      { channel: 'sms', sender: GANGNAM.senderPhone },
      { channel: 'email', sender: GANGNAM.senderEmail },
    ]);
    expect(await outboxOf(jiho.requestId)).toEqual([
      { channel: 'voice', sender: HAEUNDAE.replyPhone },
      { channel: 'sms', sender: HAEUNDAE.senderPhone },
      { channel: 'email', sender: HAEUNDAE.senderEmail },
    ]);
  });

  it('the technician choice link, the visit notice and the job dispatched to the technician come from the centre too', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1, centre: HAEUNDAE });
    const { requestId } = await createRequest(pool, net, { mobile: '+821055504004' });
    const assignment = createAssignmentActivities({ ...activityDeps(pool), gateways: deps.gateways });
    const candidates = await assignment.findTechnicianCandidates({ requestId });
    await assignment.offerTechnicianChoice({ requestId, candidates, expiresInMs: 3_600_000 });
    const booking = await assignment.reserveTechnicianSlot({ requestId, candidates });
    await assignment.dispatchJob({ requestId, booking: booking! });
    await assignment.sendVisitNotice({ requestId, booking: booking! });
    expect(twilioRequestsTo('+821055504004').map((p) => p.From)).toEqual([HAEUNDAE.senderPhone, HAEUNDAE.senderPhone]);
    expect(twilioRequestsTo('+821012340000').at(-1)).toMatchObject({ From: HAEUNDAE.senderPhone }); // the technician's terminal
    const { rows } = await pool.query<{ purpose: string; sender: string }>('SELECT purpose, sender FROM outbox WHERE request_id = $1 ORDER BY id', [requestId]);
    expect(rows).toEqual([
      { purpose: 'technician-choice', sender: HAEUNDAE.senderPhone },
      { purpose: 'dispatch', sender: HAEUNDAE.senderPhone },
      { purpose: 'visit-notice', sender: HAEUNDAE.senderPhone },
    ]);
  });

  it('a centre that changes its sender number sends from the new one from then on', async () => {
    const net = await seedNetwork(pool, { technicians: 0, centre: GANGNAM });
    const { requestId } = await createRequest(pool, net, { mobile: '+821055503003', email: null });
    await pool.query(`UPDATE service_centres SET sender_phone = '+8215889999' WHERE id = $1`, [net.centreId]);
    await survey.sendSurveySms({ requestId, attempt: 1, replyWindowMs: 86_400_000 });
    expect(twilioRequestsTo('+821055503003')).toEqual([expect.objectContaining({ From: '+8215889999' })]);
    expect(await outboxOf(requestId)).toEqual([{ channel: 'sms', sender: '+8215889999' }]);
  });
});
