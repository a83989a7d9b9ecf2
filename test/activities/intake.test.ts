import { randomBytes, randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntakeActivities } from '../../activities/intake';
import type { ActivityDeps } from '../../activities/deps';
import { optInsOf } from '../../db/queries/consent';
import { sealContact } from '../../domain/pii';
import { createSandboxGateways } from '../../providers/sandbox';
import type { ServiceRequestInput } from '../../workflows/types';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';

const pool = testPool();
const key = randomBytes(32).toString('base64');
const log = pino({ level: 'silent' });
const deps: ActivityDeps = {
  pool,
  gateways: createSandboxGateways(log),
  clock: () => new Date(),
  log,
  settings: { piiSealingKey: key, publicBaseUrl: 'http://localhost', inboundEmailDomain: 'reply.test', defaultTimeZone: 'Asia/Seoul', contactHours: { start: '08:00', end: '21:00' }, incentivePoints: 500 },
};
const { registerServiceRequest } = createIntakeActivities(deps);
let network: Awaited<ReturnType<typeof seedNetwork>>;
beforeAll(async () => {
  network = await seedNetwork(pool);
});
afterAll(() => pool.end());

const emailRequested = async (customerId: string) => (await pool.query('SELECT email_requested FROM customers WHERE id = $1', [customerId])).rows[0]?.email_requested;
const uniqueMobile = () => `+8210${String(20000000 + Math.floor(Math.random() * 79999999))}`;

function input(customer: Partial<ServiceRequestInput['customer']>, overrides: Partial<ServiceRequestInput> = {}): ServiceRequestInput {
  const start = new Date(Date.now() + 3_600_000);
  return {
    requestId: randomUUID(),
    customer: { customerId: `cus-${randomUUID().slice(0, 8)}`, areaCode: network.areaCode, ...customer },
    product: { field: network.field, fault: 'not cooling' },
    wantedWindow: { start: start.toISOString(), end: new Date(start.getTime() + 86_400_000).toISOString() },
    policy: { choiceTimeoutMs: 1, completionSlaMs: 1, callOutcomeTimeoutMs: 1, replyWindowMs: 1, reminderBeforeCloseMs: 1, noTechnicianRetryMs: 1, noTechnicianMaxAttempts: 1, surveyChannelPolicy: 'email' },
    ...overrides,
  };
}

describe('intake', () => {
  it('records the opt-ins the customer gave (marketing, at night, WhatsApp); none given is none held', async () => {
    const request = input({ sealedContact: sealContact({ name: 'Jane', mobile: uniqueMobile() }, key), optIns: ['marketing', 'marketing_night'] });
    await registerServiceRequest(request);
    expect(await optInsOf(pool, request.customer.customerId)).toEqual(new Set(['marketing', 'marketing_night']));
    const without = input({ sealedContact: sealContact({ name: 'Joe', mobile: uniqueMobile() }, key) });
    await registerServiceRequest(without);
    expect(await optInsOf(pool, without.customer.customerId)).toEqual(new Set());
  });

  it('refuses night advertising consent without marketing consent', async () => {
    const request = input({ sealedContact: sealContact({ name: 'Jane', mobile: uniqueMobile() }, key), optIns: ['marketing_night'] });
    await expect(registerServiceRequest(request)).rejects.toMatchObject({ type: 'InvalidInput', message: expect.stringContaining('marketing_night needs marketing') });
  });

  it('registers a new customer and the request; a retry of the same intake changes nothing', async () => {
    const request = input({ sealedContact: sealContact({ name: 'Jane', email: 'jane@mail.example', mobile: '010-5555-0177' }, key) });
    const first = await registerServiceRequest(request);
    expect(first).toMatchObject({ newCustomer: true, serviceCentreId: network.centreId });
    await registerServiceRequest(request);
    const customer = await pool.query('SELECT mobile, email FROM customers WHERE id = $1', [request.customer.customerId]);
    expect(customer.rows[0]).toEqual({ mobile: '+821055550177', email: 'jane@mail.example' });
    expect(await emailRequested(request.customer.customerId)).toBe(false);
    const requests = await pool.query('SELECT count(*)::int AS n FROM service_requests WHERE id = $1', [request.requestId]);
    expect(requests.rows[0].n).toBe(1);
  });

  it('a new and a known customer without an email address are flagged to be asked for one (KR claims 16-17); an address given later clears it', async () => {
    const first = input({ sealedContact: sealContact({ name: 'Min', mobile: uniqueMobile() }, key) });
    expect(await registerServiceRequest(first)).toMatchObject({ newCustomer: true });
    expect(await emailRequested(first.customer.customerId)).toBe(true);
    const again = await registerServiceRequest(input({ customerId: first.customer.customerId }));
    expect(again).toMatchObject({ newCustomer: false });
    expect(await emailRequested(first.customer.customerId)).toBe(true);
    await registerServiceRequest(input({ customerId: first.customer.customerId, sealedContact: sealContact({ name: 'Min', email: 'min@mail.example' }, key) }));
    expect(await emailRequested(first.customer.customerId)).toBe(false);
  });

  it('refuses bad input with a message naming the field, and writes nothing', async () => {
    const cases: [ServiceRequestInput, RegExp][] = [
      [input({}), /customer.contact is required/],
      [input({ sealedContact: sealContact({ name: 'No Contact' }, key) }), /email or customer.contact.mobile/],
      [input({ areaCode: 'nowhere', sealedContact: sealContact({ name: 'A', email: 'a@mail.example' }, key) }), /customer.areaCode "nowhere"/],
      [input({ sealedContact: sealContact({ name: 'A', email: 'a@mail.example' }, key) }, { product: { field: 'spaceship', fault: 'x' } }), /product.field "spaceship"/],
      [input({ sealedContact: sealContact({ name: 'A', email: 'a@mail.example' }, key) }, { wantedWindow: { start: '2020-01-01T00:00:00Z', end: '2020-01-02T00:00:00Z' } }), /already over/],
      [input({ sealedContact: 'v1.garbage' }), /sealedContact cannot be opened/],
      [input({ sensitivityClass: 'no-such-class', sealedContact: sealContact({ name: 'A', email: 'a@mail.example' }, key) }), /sensitivityClass "no-such-class"/],
      [input({ language: 'xx' as 'ko', sealedContact: sealContact({ name: 'A', email: 'a@mail.example' }, key) }), /database refused/],
    ];
    for (const [bad, message] of cases) {
      await expect(registerServiceRequest(bad)).rejects.toMatchObject({ type: 'InvalidInput', message: expect.stringMatching(message) });
      const written = await pool.query('SELECT (SELECT count(*) FROM service_requests WHERE id = $1)::int AS r, (SELECT count(*) FROM customers WHERE id = $2)::int AS c', [bad.requestId, bad.customer.customerId]);
      expect(written.rows[0]).toEqual({ r: 0, c: 0 });
    }
  });

  it('a mobile number that belongs to another customer is refused, naming that customer', async () => {
    const mobile = uniqueMobile();
    const owner = input({ sealedContact: sealContact({ name: 'Owner', mobile }, key) });
    await registerServiceRequest(owner);
    const other = input({ sealedContact: sealContact({ name: 'Other', mobile }, key) });
    await expect(registerServiceRequest(other)).rejects.toMatchObject({ type: 'InvalidInput', message: expect.stringContaining(owner.customer.customerId) });
  });
});
