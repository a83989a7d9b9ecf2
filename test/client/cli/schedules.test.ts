import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/schedules';
import type { Pool } from '../../../db/pool';
import { bookSlot, createRequest } from '../../activities/assignmentFixtures';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

// The technicians' centre is in Seoul (UTC+9); "now" is fixed three days before the working day.
const NOW = new Date('2026-11-20T00:00:00Z');
const DATE = '2026-11-23';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { pool: () => pool, out: (l) => out.push(l), err: (l) => err.push(l), timeZone: 'Asia/Seoul', clock: () => NOW });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function openSlots(technicianId: string) {
  const { rows } = await pool.query(
    'SELECT lower(during) AS s, upper(during) AS e FROM technician_slots WHERE technician_id = $1 AND cancelled_at IS NULL ORDER BY lower(during)',
    [technicianId],
  );
  return rows.map((r) => [r.s.toISOString(), r.e.toISOString()]);
}

async function technician() {
  const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 0 });
  return { net, id: net.technicianIds[0]! };
}

describe('schedules CLI', () => {
  it("registers a day's slots in the centre's time zone, or in the one given", async () => {
    const { id } = await technician();
    const r = await cli('register', '--technician', id, '--date', DATE, '--slot', '09:00-11:00', '--slot', '13:00-15:00');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/registered slot \d+: 2026-11-23 09:00-11:00 \(Asia\/Seoul\)/);
    const r2 = await cli('register', '--technician', id, '--date', DATE, '--slot', '09:00-10:00', '--tz', 'UTC');
    expect(r2.code).toBe(0);
    expect(await openSlots(id)).toEqual([
      ['2026-11-23T00:00:00.000Z', '2026-11-23T02:00:00.000Z'],
      ['2026-11-23T04:00:00.000Z', '2026-11-23T06:00:00.000Z'],
      ['2026-11-23T09:00:00.000Z', '2026-11-23T10:00:00.000Z'],
    ]);
  });

  it('refuses an overlapping slot, naming the slot it collides with, and writes none of the registration', async () => {
    const { id } = await technician();
    expect((await cli('register', '--technician', id, '--date', DATE, '--slot', '09:00-11:00')).code).toBe(0);
    const r = await cli('register', '--technician', id, '--date', DATE, '--slot', '15:00-16:00', '--slot', '10:00-12:00');
    expect(r.code).toBe(1);
    expect(r.err).toBe('slot 10:00-12:00 on 2026-11-23 overlaps an existing slot 09:00-11:00');
    expect(await openSlots(id)).toHaveLength(1);
  });

  it('refuses bad input with a message naming it', async () => {
    const { id } = await technician();
    const cases: [string[], RegExp][] = [
      [['register', '--technician', id, '--date', '2026-11-19', '--slot', '09:00-11:00'], /slot 09:00-11:00 on 2026-11-19 starts in the past/],
      [['register', '--technician', id, '--date', DATE, '--slot', '9-11'], /slot "9-11" is not HH:MM-HH:MM/],
      [['register', '--technician', id, '--date', DATE, '--slot', '11:00-09:00'], /ends before it starts/],
      [['register', '--technician', id, '--date', DATE, '--slot', '09:00-11:00', '--slot', '10:00-12:00'], /slots 09:00-11:00 and 10:00-12:00 overlap each other/],
      [['register', '--technician', id, '--date', '2026-02-30', '--slot', '09:00-11:00'], /--date must be a date/],
      [['register', '--technician', id, '--date', DATE, '--slot', '09:00-11:00', '--tz', 'Mars/Base'], /--tz must be an IANA time zone/],
      [['register', '--technician', id, '--date', DATE], /--slot is required/],
      [['register', '--date', DATE, '--slot', '09:00-11:00'], /--technician is required/],
      [['move', '--technician', id], /unknown command "move"/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
    const unknown = await cli('register', '--technician', 'nobody', '--date', DATE, '--slot', '09:00-11:00');
    expect(unknown).toMatchObject({ code: 1, err: 'technician "nobody" is not registered' });
    expect(await openSlots(id)).toEqual([]);
  });

  it('lists slots with their bookings, and cancels: a booked slot only with --release-booking', async () => {
    const { net, id } = await technician();
    await cli('register', '--technician', id, '--date', DATE, '--slot', '09:00-11:00', '--slot', '13:00-15:00');
    const { rows } = await pool.query('SELECT id FROM technician_slots WHERE technician_id = $1 ORDER BY lower(during)', [id]);
    const [free, booked] = rows.map((r) => String(r.id)) as [string, string];
    const { requestId } = await createRequest(pool, net);
    await bookSlot(pool, requestId, Number(booked));

    const list = await cli('list', '--technician', id, '--date', DATE);
    expect(list.out.split('\n')).toEqual([`${free}\t2026-11-23 09:00-11:00\tfree`, `${booked}\t2026-11-23 13:00-15:00\tbooked by request ${requestId}`]);

    expect(await cli('cancel', '--slot-id', free)).toMatchObject({ code: 0, out: `cancelled slot ${free}` });
    const refused = await cli('cancel', '--slot-id', booked);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`booked by request ${requestId}`);
    expect((await pool.query(`SELECT status FROM bookings WHERE request_id = $1`, [requestId])).rows).toEqual([{ status: 'active' }]);

    const released = await cli('cancel', '--slot-id', booked, '--release-booking');
    expect(released).toMatchObject({ code: 0, out: `cancelled slot ${booked}; released the booking of request ${requestId} and alerted the supervisor` });
    expect((await pool.query(`SELECT status FROM bookings WHERE request_id = $1`, [requestId])).rows).toEqual([{ status: 'released' }]);
    expect((await pool.query(`SELECT kind FROM escalations WHERE request_id = $1`, [requestId])).rows).toEqual([{ kind: 'booking_released' }]);
    // The workflow hears of it through the durable inbox, which the relay turns into bookingReleased.
    expect((await pool.query(`SELECT source, kind, status, payload FROM inbox WHERE request_id = $1`, [requestId])).rows).toEqual([
      { source: 'schedules', kind: 'booking-released', status: 'pending', payload: { technicianId: id, slotId: Number(booked), reason: `slot ${booked} cancelled` } },
    ]);
    expect((await cli('cancel', '--slot-id', booked)).err).toBe(`slot ${booked} is already cancelled`);

    // A cancelled slot's time can be registered again.
    expect((await cli('register', '--technician', id, '--date', DATE, '--slot', '09:00-12:00')).code).toBe(0);
    expect((await cli('list', '--technician', id, '--date', DATE)).out).toMatch(/\t2026-11-23 09:00-12:00\tfree$/);
  });
});
