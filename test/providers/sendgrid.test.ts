import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, type OutboundEmail } from '../../providers/ports';
import { createSendGridGateway } from '../../providers/sendgrid';
import { startFakeApi, type FakeAnswer } from './fakeHttp';

const email: OutboundEmail = {
  to: 'minji@mail.example.test',
  from: { email: 'service@centre.example', name: 'Gangnam Service' },
  replyTo: 'reply+tok123@reply.example.test',
  subject: 'How was your repair?',
  text: 'Please rate 1-5',
  html: '<p>Please rate 1-5</p>',
  headers: { 'List-Unsubscribe': '<https://hooks.example.test/unsubscribe/u1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  customArgs: { requestId: 'r-1', purpose: 'survey' },
};

describe('SendGrid adapter (real SDK against a fake SendGrid API)', () => {
  let next: FakeAnswer[] = [];
  let api: Awaited<ReturnType<typeof startFakeApi>>;
  let gateway: ReturnType<typeof createSendGridGateway>;

  beforeAll(async () => {
    api = await startFakeApi(() => next.shift() ?? { status: 202, headers: { 'X-Message-Id': 'sg-msg-0001' } });
    gateway = createSendGridGateway({ apiKey: 'SG.fake-key', baseUrl: api.url });
  });
  afterAll(() => api?.close());

  it('posts the v3 mail/send request with reply-to, one-click unsubscribe headers and custom args', async () => {
    const before = api.requests.length;
    const { providerId } = await gateway.sendEmail(email);
    expect(providerId).toBe('sg-msg-0001');
    const req = api.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v3/mail/send');
    expect(req.headers.authorization).toBe('Bearer SG.fake-key');
    expect(JSON.parse(req.body)).toEqual({
      from: { email: 'service@centre.example', name: 'Gangnam Service' },
      subject: 'How was your repair?',
      personalizations: [{ to: [{ email: 'minji@mail.example.test' }] }],
      content: [{ type: 'text/plain', value: 'Please rate 1-5' }, { type: 'text/html', value: '<p>Please rate 1-5</p>' }],
      reply_to: { email: 'reply+tok123@reply.example.test' },
      headers: email.headers,
      custom_args: { requestId: 'r-1', purpose: 'survey' },
    });
  });

  it.each([
    [429, { errors: [{ message: 'too many requests', field: null, help: null }] }, false, true],
    [500, { errors: [{ message: 'internal error' }] }, false, false],
    [503, undefined, false, false],
    [504, undefined, false, false],
    [400, { errors: [{ message: 'Does not contain a valid address.', field: 'personalizations.0.to.0.email', help: null }] }, true, true],
    [403, { errors: [{ message: 'The from address does not match a verified Sender Identity.' }] }, true, true],
  ])('sorts HTTP %i as permanent=%s, proven not sent=%s', async (status, body, permanent, refused) => {
    next = [{ status, body }];
    const err = await gateway.sendEmail(email).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(permanent);
    expect((err as DeliveryError).refused).toBe(refused);
    expect((err as DeliveryError).providerCode).toBe(status);
    if (body) expect((err as DeliveryError).message).toContain(body.errors[0]!.message);
  });
});
