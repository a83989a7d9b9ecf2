import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/points';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedRequest } from '../../db/queries/seedRequests';
import { captured } from './capture';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

async function customerWith500() {
  const customerId = await seedCustomer(pool, network);
  const requestId = await seedRequest(pool, network, { customerId });
  await pool.query(`INSERT INTO loyalty_ledger (customer_id, request_id, kind, points, reference) VALUES ($1, $2, 'survey_reply_grant', 500, $3)`, [
    customerId,
    requestId,
    `survey-reply:${requestId}`,
  ]);
  return customerId;
}

describe('points CLI', () => {
  it('shows the balance, as text and as JSON', async () => {
    const customerId = await customerWith500();
    const text = captured(pool);
    expect(await run(['balance', '--customer', customerId], text.deps)).toBe(0);
    expect(text.stdout()).toBe(`Customer ${customerId}: 500 points`);
    const json = captured(pool);
    expect(await run(['balance', '--customer', customerId, '--json'], json.deps)).toBe(0);
    expect(json.json()).toEqual({ customerId, balance: 500 });
  });

  it('redeems, shows the history, and treats the same reference again as done', async () => {
    const customerId = await customerWith500();
    const reference = `ORDER-${randomUUID()}`;
    const first = captured(pool);
    expect(await run(['redeem', '--customer', customerId, '--points', '120', '--reference', reference], first.deps)).toBe(0);
    expect(first.stdout()).toBe(`Redeemed 120 points under reference ${reference}. Balance: 380 points.`);
    const again = captured(pool);
    expect(await run(['redeem', '--customer', customerId, '--points', '120', '--reference', reference], again.deps)).toBe(0);
    expect(again.stdout()).toContain('Already redeemed: 120 points');
    expect(again.stdout()).toContain('Balance: 380 points');

    const history = captured(pool);
    expect(await run(['history', '--customer', customerId], history.deps)).toBe(0);
    expect(history.stdout()).toMatch(/when\s+kind\s+points\s+reference/);
    expect(history.stdout()).toMatch(/survey answered\s+\+500\s+survey-reply:/);
    expect(history.stdout()).toMatch(new RegExp(`redemption\\s+-120\\s+${reference}`));
    expect(history.stdout()).toMatch(/Balance: 380 points$/);
  });

  it('refuses to overdraw with exit code 1 and a clear message', async () => {
    const customerId = await customerWith500();
    const io = captured(pool);
    expect(await run(['redeem', '--customer', customerId, '--points', '501', '--reference', `ORDER-${randomUUID()}`], io.deps)).toBe(1);
    expect(io.stderr()).toBe(`Refused: customer ${customerId} has 500 points, fewer than the 501 asked for. Nothing was redeemed.`);
    expect(io.stdout()).toBe('');
  });

  it('refuses an unknown customer naming --customer', async () => {
    const io = captured(pool);
    expect(await run(['balance', '--customer', 'nobody-here'], io.deps)).toBe(2);
    expect(io.stderr()).toContain('--customer: no customer with id "nobody-here"');
  });

  it.each([
    [['balance'], '--customer is required'],
    [['redeem', '--customer', 'c1', '--points', 'ten', '--reference', 'R'], '--points must be a positive whole number, got "ten"'],
    [['redeem', '--customer', 'c1', '--points', '0', '--reference', 'R'], '--points must be a positive whole number'],
    [['redeem', '--customer', 'c1', '--points=-5', '--reference', 'R'], '--points must be a positive whole number, got "-5"'],
    [['redeem', '--customer', 'c1', '--points', '-5', '--reference', 'R'], "Option '--points' argument is ambiguous"],
    [['redeem', '--customer', 'c1', '--points', '10'], '--reference is required'],
    [['balance', '--customer', 'c1', '--points', '10'], '--points and --reference belong to redeem'],
    [['spend', '--customer', 'c1'], 'unknown command "spend"'],
    [[], 'a command is required'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const io = captured(pool);
    expect(await run(argv, io.deps)).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.poolUses()).toBe(0);
  });
});
