import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptInbound, claimDueInboxRows, postponeInboxRow } from '../../../db/queries/inbox';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedRequest } from './seedRequests';

const pool = testPool();
let requestId: string;
beforeAll(async () => {
  const network = await seedNetwork(pool, { technicians: 0 });
  requestId = await seedRequest(pool, network, { customerId: await seedCustomer(pool, network) });
});
afterAll(() => pool.end());

describe('inbox', () => {
  it('stores an event once: the same provider event again gets the first row back', async () => {
    const event = { source: 'twilio-sms' as const, eventId: `SM-once-${requestId}`, requestId, kind: 'survey-reply' as const, payload: { text: '5' } };
    const first = await acceptInbound(pool, event);
    const again = await acceptInbound(pool, { ...event, payload: { text: 'something else' } });
    expect(first).toMatchObject({ status: 'pending', created: true });
    expect(again).toEqual({ id: first.id, status: 'pending', created: false });
    const orphan = await acceptInbound(pool, { ...event, eventId: `SM-orphan-${requestId}`, requestId: null });
    expect(orphan.status).toBe('unmatched');
  });

  it('lets concurrent relays claim disjoint rows, leases them, and a postponed row is due only after its pause', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const { rows } = await pool.query(
        `INSERT INTO inbox (source, event_id, request_id, kind, payload, attempts, received_at) VALUES ('schedules', $1, $2, 'booking-released', '{}', 1, now() - interval '1 minute') RETURNING id`,
        [`claim-${i}-${requestId}`, requestId],
      );
      ids.push(Number(rows[0].id));
    }
    // Two relays at once, each in a transaction rolled back at the end, so other tests' rows keep their schedule.
    const [one, two] = [await pool.connect(), await pool.connect()];
    try {
      await one.query('BEGIN');
      await two.query('BEGIN');
      const [a, b] = await Promise.all([claimDueInboxRows(one, 1000), claimDueInboxRows(two, 1000)]);
      const mine = (claimed: number[]) => claimed.filter((id) => ids.includes(id));
      expect([...mine(a), ...mine(b)].sort((x, y) => x - y)).toEqual(ids);
      expect(mine(a).filter((id) => mine(b).includes(id))).toEqual([]);
      // Leased: not due again while the relay works on them.
      expect(mine(await claimDueInboxRows(one, 1000))).toEqual([]);
    } finally {
      await one.query('ROLLBACK');
      await two.query('ROLLBACK');
      one.release();
      two.release();
    }
    expect(await postponeInboxRow(pool, ids[0]!, 'Temporal did not answer')).toBe(2);
    const { rows } = await pool.query(`SELECT next_attempt_at - now() AS pause FROM inbox WHERE id = $1`, [ids[0]]);
    expect(rows[0].pause.seconds ?? 0).toBeGreaterThanOrEqual(1);
  });
});
