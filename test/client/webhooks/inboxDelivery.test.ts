import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import pino from 'pino';
import { deliverInbound } from '../../../client/webhooks/inbox/deliver';
import { relayOnce } from '../../../client/webhooks/inbox/relay';
import { createPool } from '../../../db/pool';
import { testPool } from '../../support/db';
import { seedRequest, startProbeWorker, unreachableTemporal, waitFor, type ProbeWorker } from './webhookApp';

const pool = testPool();
// The webhook server's pool for signals' bookkeeping (commits that need not wait for the disk).
const deliveryPool = createPool(inject('databaseUrl'), 2, undefined, { waitForDisk: false });
let probe: ProbeWorker;
beforeAll(async () => {
  probe = await startProbeWorker(inject('temporalAddress'));
});
afterAll(async () => {
  await probe.stop();
  await pool.end();
  await deliveryPool.end();
});

describe('the inbox relay', () => {
  it('turns a booking released by the schedules tool into one bookingReleased signal', async () => {
    const { requestId } = await seedRequest(pool);
    await probe.probe(requestId);
    // What cancelSlot writes; received long enough ago that the relay (not a webhook) owns it.
    await pool.query(
      `INSERT INTO inbox (source, event_id, request_id, kind, payload, received_at)
       VALUES ('schedules', $1, $2, 'booking-released', $3, now() - interval '1 minute')`,
      [`booking-released:${requestId}`, requestId, JSON.stringify({ technicianId: 'tech-1', reason: 'slot 7 cancelled' })],
    );
    const deps = { pool, deliveryPool, temporal: probe.client, log: pino({ level: 'silent' }) };
    await waitFor('the relay to deliver', async () => {
      await relayOnce(deps);
      const { rows } = await pool.query(`SELECT status FROM inbox WHERE request_id = $1`, [requestId]);
      return rows[0]?.status === 'delivered' ? true : undefined;
    });
    await relayOnce(deps);
    const signals = await probe.waitForSignals(requestId, 1);
    expect(signals).toEqual([
      { signal: 'bookingReleased', payload: { eventId: `schedules:booking-released:${requestId}`, technicianId: 'tech-1', reason: 'slot 7 cancelled' } },
    ]);
  });

  it('passes on a technician report whose signal failed when it came in, like any inbox row', async () => {
    const { requestId } = await seedRequest(pool, { network: undefined });
    const { rows } = await pool.query(`SELECT service_centre_id FROM service_requests WHERE id = $1`, [requestId]);
    const technicianId = `tech-relay-${requestId.slice(0, 8)}`;
    await pool.query(
      `INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, access_token_hash) VALUES ($1, 'T', 'i', '+821000000000', 'sms', $2, $3)`,
      [technicianId, rows[0].service_centre_id, `hash-${requestId}`],
    );
    await probe.probe(requestId);
    // What the technician endpoint stores with the report; the webhook's own try failed once.
    await pool.query(
      `INSERT INTO inbox (source, event_id, request_id, kind, payload, attempts, received_at) VALUES ('technician', $1, $2, 'technician-report', $3, 1, now() - interval '1 minute')`,
      [`${technicianId}:done`, requestId, JSON.stringify({ technicianId, status: 'completed', resolved: true, at: new Date().toISOString() })],
    );
    const deps = { pool, temporal: probe.client, log: pino({ level: 'silent' }) };
    await waitFor('the relay to pass the report on', async () => {
      await relayOnce(deps);
      const { rows: r } = await pool.query(`SELECT status FROM inbox WHERE request_id = $1`, [requestId]);
      return r[0]?.status === 'delivered' ? true : undefined;
    });
    await relayOnce(deps);
    const signals = await probe.waitForSignals(requestId, 1);
    expect(signals).toMatchObject([{ signal: 'jobCompleted', payload: { eventId: `technician:${technicianId}:done`, technicianId, resolved: true } }]);
  });

  it('delivering a claimed row holds no lock while Temporal hangs, and backs the technician report off', async () => {
    const { requestId } = await seedRequest(pool);
    const { rows } = await pool.query(
      `INSERT INTO inbox (source, event_id, request_id, kind, payload, attempts, received_at)
       VALUES ('technician', $1, $2, 'technician-report', $3, 1, now() - interval '1 minute') RETURNING id`,
      [`tech-x:${requestId}`, requestId, JSON.stringify({ technicianId: 'tech-x', status: 'arrived', at: new Date().toISOString() })],
    );
    const id = Number(rows[0].id);
    const hung = await unreachableTemporal('hung');
    try {
      // What the relay does with a row it claimed (claiming is one short statement: test/db/queries/inbox.test.ts);
      // only this row is touched, so other tests' rows keep their schedule.
      const passing = deliverInbound({ pool, temporal: hung.client, log: pino({ level: 'silent' }), signalTimeoutMs: 1500 }, id);
      let settled = false;
      void passing.then(() => (settled = true));
      let locks = 0;
      const signalling = Date.now() + 1000; // inside the 1.5 s signal deadline, before the row is postponed
      while (!settled && Date.now() < signalling) {
        // While it waits on Temporal, anyone may lock the row at once.
        const db = await pool.connect();
        try {
          await db.query('BEGIN');
          const locked = await db.query('SELECT id FROM inbox WHERE id = $1 FOR UPDATE NOWAIT', [id]);
          locks += locked.rowCount ?? 0;
          await db.query('ROLLBACK');
        } finally {
          db.release();
        }
      }
      expect(locks).toBeGreaterThan(0);
      expect(await passing).toBe('pending');
    } finally {
      await hung.close();
    }
    const after = await pool.query(`SELECT status, attempts, last_error, next_attempt_at > now() AS later FROM inbox WHERE id = $1`, [id]);
    expect(after.rows).toEqual([{ status: 'pending', attempts: 2, last_error: expect.stringContaining('1500 ms'), later: true }]);
  });
});
