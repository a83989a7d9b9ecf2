import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import pino from 'pino';
import { relayOnce } from '../../../client/webhooks/inbox/relay';
import { testPool } from '../../support/db';
import { seedRequest, startProbeWorker, waitFor, type ProbeWorker } from './surveyHarness';

const pool = testPool();
let probe: ProbeWorker;
beforeAll(async () => {
  probe = await startProbeWorker(inject('temporalAddress'));
});
afterAll(async () => {
  await probe.stop();
  await pool.end();
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
    const deps = { pool, temporal: probe.client, log: pino({ level: 'silent' }) };
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
});
