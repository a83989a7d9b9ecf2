import { hashToken } from '../../db/queries/accessTokens';
import type { Pool } from '../../db/pool';
import { DEMO_TECHNICIANS, demoTechnicianToken } from '../../scripts/demo/demoData';

/**
 * More technicians like the demo's: `copies` colleagues for each demo technician, with the same
 * centre, fields and areas and the same round-the-clock slots (the demo's own technicians already
 * have theirs). The demo network has five technicians, one or two per area and field; a benchmark
 * with 25 requests in flight on it books the same few technicians' consecutive slots, and their
 * completion reports reach the technicians' rate limit (30 a minute), which no real technician
 * does. Tokens follow the demo's scheme, so the driver reports as each booked technician.
 */
export async function seedBenchCrew(pool: Pool, options: { copies: number; now: Date; days: number; technicianSecret: string }): Promise<number> {
  let added = 0;
  for (const t of DEMO_TECHNICIANS) {
    for (let k = 1; k <= options.copies; k++) {
      const id = `${t.id}-${k}`;
      await pool.query(
        `INSERT INTO technicians (id, name, introduction, phone, terminal_channel, service_centre_id, access_token_hash)
         VALUES ($1, $2, $3, $4, 'sms', $5, $6) ON CONFLICT (id) DO NOTHING`,
        [id, `${t.name} (${k + 1})`, t.intro, `+821077${String(k).padStart(2, '0')}${String(added % 10_000).padStart(4, '0')}`, t.centre, hashToken(demoTechnicianToken(options.technicianSecret, id))],
      );
      await pool.query(`INSERT INTO technician_fields SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [id, t.fields]);
      await pool.query(`INSERT INTO technician_areas SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [id, t.areas]);
      await pool.query(
        `INSERT INTO technician_slots (technician_id, during)
         SELECT $1, tstzrange(h, h + interval '2 hours')
           FROM generate_series(date_trunc('hour', $2::timestamptz) + interval '1 hour', $2::timestamptz + ($3 || ' days')::interval, interval '2 hours') AS h
         ON CONFLICT DO NOTHING`,
        [id, options.now, String(options.days)],
      );
      added++;
    }
  }
  return added;
}
