import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { sendOnce } from '../../../activities/messaging/outbox';
import { DeliveryError } from '../../../providers/ports';
import { testPool } from '../../support/db';

const pool = testPool();
const log = pino({ level: 'silent' });
afterAll(() => pool.end());

const message = () => ({ idempotencyKey: `test:${randomUUID()}`, channel: 'sms' as const, purpose: 'survey', recipient: '+821055500199', sender: '+82215880001', body: { text: 'hi' }, mode: 'sandbox' as const });
const row = async (key: string) => (await pool.query('SELECT status, provider_message_id, error, sender FROM outbox WHERE idempotency_key = $1', [key])).rows[0];

describe('the outbox sends each message at most once', () => {
  it('a retried activity finds the sent message and does not call the provider again', async () => {
    const m = message();
    let calls = 0;
    const send = async () => ({ providerId: `SM${++calls}` });
    expect(await sendOnce(pool, log, m, send)).toEqual({ providerId: 'SM1', alreadySent: false });
    expect(await sendOnce(pool, log, m, send)).toEqual({ providerId: 'SM1', alreadySent: true });
    expect(calls).toBe(1);
    expect(await row(m.idempotencyKey)).toMatchObject({ status: 'sent', provider_message_id: 'SM1', sender: '+82215880001' });
  });

  it('two attempts at the same time send once', async () => {
    const m = message();
    let calls = 0;
    const send = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { providerId: 'SM-race' };
    };
    await Promise.all([sendOnce(pool, log, m, send), sendOnce(pool, log, m, send), sendOnce(pool, log, m, send)]);
    expect(calls).toBe(1);
  });

  it('a transient provider error is retried and then sends', async () => {
    const m = message();
    await expect(sendOnce(pool, log, m, async () => Promise.reject(new DeliveryError('429 too many requests', false, 429)))).rejects.toThrow(/429/);
    expect(await row(m.idempotencyKey)).toMatchObject({ status: 'retry' });
    expect(await sendOnce(pool, log, m, async () => ({ providerId: 'SM-after-retry' }))).toMatchObject({ providerId: 'SM-after-retry', alreadySent: false });
  });

  it('a permanent provider error fails for good, as a non-retryable activity failure', async () => {
    const m = message();
    await expect(sendOnce(pool, log, m, async () => Promise.reject(new DeliveryError('invalid number', true, 21211)))).rejects.toMatchObject({
      type: 'PermanentDeliveryFailure',
      nonRetryable: true,
    });
    let called = false;
    await expect(sendOnce(pool, log, m, async () => ((called = true), { providerId: 'x' }))).rejects.toMatchObject({ type: 'PermanentDeliveryFailure' });
    expect(called).toBe(false);
  });

  it('an error with no answer from the provider (timeout) is never sent again: the message may have gone', async () => {
    const m = message();
    await expect(sendOnce(pool, log, m, async () => Promise.reject(new DeliveryError('twilio: no answer', false, undefined, false)))).rejects.toThrow(/no answer/);
    expect(await row(m.idempotencyKey)).toMatchObject({ status: 'pending' });
    let called = false;
    expect(await sendOnce(pool, log, m, async () => ((called = true), { providerId: 'x' }))).toEqual({ providerId: null, alreadySent: true });
    expect(called).toBe(false);
  });
});
