import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/consent';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer } from '../../db/queries/seedRequests';
import { captured } from './capture';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;
beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 0 });
});
afterAll(() => pool.end());

describe('consent CLI', () => {
  it('an agent records marketing consent given on the phone, night consent after it, and its withdrawal', async () => {
    const customerId = await seedCustomer(pool, network);
    const granted = captured(pool);
    expect(await run(['grant', '--customer', customerId, '--kind', 'marketing', '--source', 'phone call'], granted.deps)).toBe(0);
    expect(granted.stdout()).toBe(`Customer ${customerId} opted in to: marketing`);
    expect(await run(['grant', '--customer', customerId, '--kind', 'marketing_night', '--source', 'phone call'], captured(pool).deps)).toBe(0);
    const shown = captured(pool);
    expect(await run(['show', '--customer', customerId, '--json'], shown.deps)).toBe(0);
    expect(shown.json()).toEqual({ customerId, optIns: ['marketing', 'marketing_night'] });

    const withdrawn = captured(pool);
    expect(await run(['withdraw', '--customer', customerId, '--kind', 'marketing', '--reason', 'asked on the phone'], withdrawn.deps)).toBe(0);
    expect(withdrawn.stdout()).toBe(`Customer ${customerId} opted in to: nothing`);
    const { rows } = await pool.query(`SELECT kind, source, withdrawal_reason FROM customer_consents WHERE customer_id = $1 ORDER BY kind`, [customerId]);
    expect(rows).toEqual([
      { kind: 'marketing', source: 'agent: phone call', withdrawal_reason: 'agent: asked on the phone' },
      { kind: 'marketing_night', source: 'agent: phone call', withdrawal_reason: 'agent: asked on the phone' },
    ]);
  });

  it('refuses night consent without marketing consent, and bad input before touching the database', async () => {
    const customerId = await seedCustomer(pool, network);
    const night = captured(pool);
    expect(await run(['grant', '--customer', customerId, '--kind', 'marketing_night', '--source', 'x'], night.deps)).toBe(1);
    expect(night.stderr()).toContain('need it first');
    const typo = captured(pool);
    expect(await run(['grant', '--customer', customerId, '--kind', 'ads', '--source', 'x'], typo.deps)).toBe(2);
    expect(typo.stderr()).toContain('--kind must be one of marketing, marketing_night, whatsapp');
    expect(typo.poolUses()).toBe(0);
    const unknown = captured(pool);
    expect(await run(['show', '--customer', 'nobody-here'], unknown.deps)).toBe(2);
    expect(unknown.stderr()).toContain('no customer with id "nobody-here"');
  });
});
