import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../providers/ports';
import { createTwilioGateways } from '../../providers/twilio';
import { startFakeApi, type FakeAnswer } from './fakeHttp';
import { LocalRequestClient, TWILIO_TEST_ACCOUNT as ACCOUNT, TWILIO_TEST_TOKEN as TOKEN } from './localTwilio';

describe('Twilio adapter (real SDK against a fake Twilio API)', () => {
  let next: FakeAnswer[] = [];
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let gateways: ReturnType<typeof createTwilioGateways>;

  beforeAll(async () => {
    api = await startFakeApi((req) => next.shift() ?? { status: 201, body: { sid: req.path.includes('/Calls') ? 'CA0001' : 'SM0001', status: 'queued' } });
    gateways = createTwilioGateways({ accountSid: ACCOUNT, authToken: TOKEN, httpClient: new LocalRequestClient(api.url) });
  });
  afterAll(() => api?.close());

  it('sends an SMS as the centre, with the status callback, and returns the message SID', async () => {
    const before = api.requests.length;
    const { providerId } = await gateways.sms.sendSms({ to: '+821012345678', from: '+82215880001', body: '수리는 어떠셨나요? 1-5', statusCallbackUrl: 'https://hooks.example.test/webhooks/twilio/sms/status' });
    expect(providerId).toBe('SM0001');
    const req = api.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`);
    expect(req.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      To: '+821012345678', From: '+82215880001', Body: '수리는 어떠셨나요? 1-5', StatusCallback: 'https://hooks.example.test/webhooks/twilio/sms/status',
    });
  });

  it('places the survey call with builder-made TwiML, a keypad gather and machine detection', async () => {
    const before = api.requests.length;
    const { providerId } = await gateways.voice.placeCall({
      to: '+821012345678', from: '+82215880001',
      script: { language: 'ko', greeting: '안녕하세요 & 반갑습니다', noInput: '응답이 없어 문자로 보내 드립니다', gatherUrl: 'https://hooks.example.test/webhooks/twilio/voice/gather' },
      statusCallbackUrl: 'https://hooks.example.test/webhooks/twilio/voice/status', machineDetection: true,
    });
    expect(providerId).toBe('CA0001');
    const req = api.requests[before]!;
    expect(req.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    const form = new URLSearchParams(req.body);
    expect(form.get('To')).toBe('+821012345678');
    expect(form.get('MachineDetection')).toBe('Enable');
    expect(form.get('AsyncAmd')).toBe('true');
    expect(form.get('StatusCallback')).toBe('https://hooks.example.test/webhooks/twilio/voice/status');
    expect(form.get('StatusCallbackEvent')).toBe('completed');
    expect(form.get('Twiml')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Gather input="dtmf" numDigits="1" timeout="8" action="https://hooks.example.test/webhooks/twilio/voice/gather" method="POST"><Say language="ko-KR">안녕하세요 &amp; 반갑습니다</Say></Gather><Say language="ko-KR">응답이 없어 문자로 보내 드립니다</Say><Hangup/></Response>',
    );
  });

  it.each([
    [429, { code: 20429, message: 'Too Many Requests', status: 429 }, false, true],
    [500, { code: 20500, message: 'Internal Server Error', status: 500 }, false, false],
    [503, 'Service Unavailable', false, false],
    [504, 'Gateway Timeout', false, false],
    [400, { code: 21211, message: "The 'To' number +8210 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }, true, true],
    [400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 }, true, true],
  ])('sorts HTTP %i (%j) as permanent=%s, proven not sent=%s', async (status, body, permanent, refused) => {
    next = [{ status, body }];
    const err = await gateways.sms.sendSms({ to: '+821012345678', from: '+82215880001', body: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(permanent);
    expect((err as DeliveryError).refused).toBe(refused);
    if (typeof body === 'object') expect((err as DeliveryError).providerCode).toBe(body.code);
  });

  it('a connection that cannot be made is transient', async () => {
    const dead = createTwilioGateways({ accountSid: ACCOUNT, authToken: TOKEN, httpClient: new LocalRequestClient('http://127.0.0.1:1') });
    const err = await dead.voice.placeCall({ to: '+821012345678', from: '+82215880001', script: { language: 'en', greeting: 'Hi', noInput: 'Bye', gatherUrl: 'https://h/g' }, statusCallbackUrl: 'https://h/s', machineDetection: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(false);
  });
});
