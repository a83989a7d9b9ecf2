import type { Pool } from '../../db/pool';

export const CEILING_MARKS_TABLE = 'bench_ceiling_marks';

export async function createCeilingMarksTable(pool: Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${CEILING_MARKS_TABLE} (request_id text NOT NULL, mark text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (request_id, mark))`);
}

/** The ceiling's activities: nothing, except one row for each point the driver waits on. */
export function createCeilingActivities(pool: Pool) {
  return {
    async step(_name: string): Promise<void> {},
    async mark(requestId: string, mark: string): Promise<void> {
      await pool.query(`INSERT INTO ${CEILING_MARKS_TABLE} (request_id, mark) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [requestId, mark]);
    },
  };
}
export type CeilingActivities = ReturnType<typeof createCeilingActivities>;
