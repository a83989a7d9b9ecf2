import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantOptIn, optInsOf, restoreConsent, withdrawConsent, withdrawMarketing, withdrawOptIn } from '../../../db/queries/consent';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer } from './seedRequests';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;
beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 0 });
});
afterAll(() => pool.end());

const optOuts = async (customerId: string) =>
  (await pool.query('SELECT channel, reason FROM contact_opt_outs WHERE customer_id = $1 ORDER BY channel', [customerId])).rows;

describe('consent', () => {
  it('keeps one withdrawal per channel with its first reason, and START gives SMS back', async () => {
    const customerId = await seedCustomer(pool, network);
    await withdrawConsent(pool, customerId, 'sms', 'sms keyword stop');
    await withdrawConsent(pool, customerId, 'sms', 'carrier: unsubscribed');
    await withdrawConsent(pool, customerId, 'email', `email bounce: ${'x'.repeat(300)}`);
    const rows = await optOuts(customerId);
    expect(rows.map((r) => r.channel)).toEqual(['email', 'sms']);
    expect(rows[1]).toEqual({ channel: 'sms', reason: 'sms keyword stop' });
    expect(rows[0].reason).toHaveLength(200);
    await restoreConsent(pool, customerId, 'sms');
    expect((await optOuts(customerId)).map((r) => r.channel)).toEqual(['email']);
  });

  it('opt-ins are kept apart from opt-outs: a withdrawal keeps its first reason, granting again renews', async () => {
    const customerId = await seedCustomer(pool, network);
    expect(await optInsOf(pool, customerId)).toEqual(new Set());
    await grantOptIn(pool, customerId, 'marketing', 'intake');
    await grantOptIn(pool, customerId, 'marketing_night', 'intake');
    await grantOptIn(pool, customerId, 'whatsapp', 'intake');
    await withdrawMarketing(pool, customerId, 'sms keyword 광고거부');
    await withdrawOptIn(pool, customerId, ['marketing'], 'advertisement opt-out link');
    expect(await optInsOf(pool, customerId)).toEqual(new Set(['whatsapp']));
    const { rows } = await pool.query(`SELECT kind, withdrawal_reason FROM customer_consents WHERE customer_id = $1 ORDER BY kind`, [customerId]);
    expect(rows).toEqual([
      { kind: 'marketing', withdrawal_reason: 'sms keyword 광고거부' },
      { kind: 'marketing_night', withdrawal_reason: 'sms keyword 광고거부' },
      { kind: 'whatsapp', withdrawal_reason: null },
    ]);
    // A marketing opt-out is not a service opt-out.
    expect(await optOuts(customerId)).toEqual([]);
    await grantOptIn(pool, customerId, 'marketing', 'web form');
    expect(await optInsOf(pool, customerId)).toEqual(new Set(['marketing', 'whatsapp']));
  });
});
