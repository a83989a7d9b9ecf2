import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsBalance, pointsHistory, redeemPoints } from '../../../db/queries/loyalty';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedRequest } from './seedRequests';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

/** A customer who answered `grants` surveys, each granted `points` the way the workflow grants them. */
async function customerWithGrants(grants: number, points = 500) {
  const customerId = await seedCustomer(pool, network);
  for (let i = 0; i < grants; i++) {
    const requestId = await seedRequest(pool, network, { customerId, createdAt: new Date(Date.UTC(2026, 10, 1 + i)) });
    await pool.query(
      `INSERT INTO loyalty_ledger (customer_id, request_id, kind, points, reference, created_at) VALUES ($1, $2, 'survey_reply_grant', $3, $4, $5)`,
      [customerId, requestId, points, `survey-reply:${requestId}`, new Date(Date.UTC(2026, 10, 2 + i))],
    );
  }
  return customerId;
}

const reference = () => `ORDER-${randomUUID()}`;

describe('loyalty points', () => {
  it('sums grants and redemptions into the balance, zero for a customer without any', async () => {
    const customerId = await customerWithGrants(2);
    expect(await pointsBalance(pool, customerId)).toBe(1000);
    await redeemPoints(pool, { customerId, points: 300, reference: reference() });
    expect(await pointsBalance(pool, customerId)).toBe(700);
    expect(await pointsBalance(pool, await customerWithGrants(0))).toBe(0);
  });

  it('records a redemption as a negative row and lists the history in order', async () => {
    const customerId = await customerWithGrants(1);
    const ref = reference();
    const result = await redeemPoints(pool, { customerId, points: 200, reference: ref });
    expect(result).toMatchObject({ outcome: 'redeemed', balance: 300, entry: { kind: 'redemption', points: -200, reference: ref, requestId: null } });
    const history = await pointsHistory(pool, customerId);
    expect(history.map((e) => [e.kind, e.points])).toEqual([
      ['survey_reply_grant', 500],
      ['redemption', -200],
    ]);
  });

  it('refuses more points than the balance and writes nothing', async () => {
    const customerId = await customerWithGrants(1);
    const result = await redeemPoints(pool, { customerId, points: 501, reference: reference() });
    expect(result).toEqual({ outcome: 'insufficient_balance', balance: 500, requested: 501 });
    expect(await pointsHistory(pool, customerId)).toHaveLength(1);
    // The whole balance can be spent.
    expect(await redeemPoints(pool, { customerId, points: 500, reference: reference() })).toMatchObject({ outcome: 'redeemed', balance: 0 });
  });

  it('treats the same reference twice as one redemption', async () => {
    const customerId = await customerWithGrants(2);
    const ref = reference();
    const first = await redeemPoints(pool, { customerId, points: 400, reference: ref });
    const second = await redeemPoints(pool, { customerId, points: 400, reference: ref });
    expect(first).toMatchObject({ outcome: 'redeemed', balance: 600 });
    expect(second).toMatchObject({ outcome: 'already_redeemed', balance: 600, entry: { points: -400, reference: ref } });
    expect(await pointsBalance(pool, customerId)).toBe(600);
  });

  it('refuses a reference already used for another customer or amount', async () => {
    const ref = reference();
    const a = await customerWithGrants(1);
    const b = await customerWithGrants(1);
    await redeemPoints(pool, { customerId: a, points: 100, reference: ref });
    expect(await redeemPoints(pool, { customerId: a, points: 150, reference: ref })).toEqual({ outcome: 'reference_conflict' });
    expect(await redeemPoints(pool, { customerId: b, points: 100, reference: ref })).toEqual({ outcome: 'reference_conflict' });
    expect(await pointsBalance(pool, b)).toBe(500);
  });

  it('never lets concurrent redemptions overdraw the balance', async () => {
    const customerId = await customerWithGrants(1, 1000);
    // Eight redemptions of 300 at once against 1000 points: exactly three can succeed.
    const results = await Promise.all(Array.from({ length: 8 }, () => redeemPoints(pool, { customerId, points: 300, reference: reference() })));
    expect(results.filter((r) => r.outcome === 'redeemed')).toHaveLength(3);
    expect(results.filter((r) => r.outcome === 'insufficient_balance')).toHaveLength(5);
    expect(await pointsBalance(pool, customerId)).toBe(100);
  });

  it('redeems concurrent retries of one reference once', async () => {
    const customerId = await customerWithGrants(1, 1000);
    const ref = reference();
    const results = await Promise.all(Array.from({ length: 5 }, () => redeemPoints(pool, { customerId, points: 300, reference: ref })));
    expect(results.filter((r) => r.outcome === 'redeemed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'already_redeemed')).toHaveLength(4);
    expect(await pointsBalance(pool, customerId)).toBe(700);
  });

  it('answers unknown_customer for a customer that does not exist', async () => {
    expect(await redeemPoints(pool, { customerId: `nobody-${randomUUID()}`, points: 1, reference: reference() })).toEqual({ outcome: 'unknown_customer' });
  });

  it('rejects a non-positive amount before touching the database', async () => {
    await expect(redeemPoints(pool, { customerId: 'x', points: 0, reference: reference() })).rejects.toThrow(RangeError);
    await expect(redeemPoints(pool, { customerId: 'x', points: 1.5, reference: reference() })).rejects.toThrow(RangeError);
  });
});
