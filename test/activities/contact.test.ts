import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactActivities } from '../../activities/contact';
import type { Pool } from '../../db/pool';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps, createRequest } from './assignmentFixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

describe('surveySettleTime', () => {
  it("answers the product field's own settle time, or null when the field uses the default", async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const { requestId } = await createRequest(pool, net);
    const { surveySettleTime } = createContactActivities(activityDeps(pool));
    expect(await surveySettleTime({ requestId })).toBeNull();
    await pool.query(`UPDATE product_fields SET survey_settle_time = interval '3 days' WHERE code = $1`, [net.field]);
    expect(await surveySettleTime({ requestId })).toBe(3 * 86_400_000);
  });

  it('refuses an unknown request without retrying', async () => {
    const { surveySettleTime } = createContactActivities(activityDeps(pool));
    await expect(surveySettleTime({ requestId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ type: 'UnknownRecord', nonRetryable: true });
  });
});
