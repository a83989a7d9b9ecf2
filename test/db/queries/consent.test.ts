import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreConsent, withdrawConsent } from '../../../db/queries/consent';
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
});
