import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyActivities } from '../../activities/survey';
import { findToken } from '../../db/queries/accessTokens';
import type { Pool } from '../../db/pool';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';
import { activityDeps, createRequest } from './assignmentFixtures';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

describe('sendReplyReminder', () => {
  it('an email reminder can be answered like the survey: its reply-to address names the request', async () => {
    const net = await seedNetwork(pool, { technicians: 1, slotsPerTechnician: 1 });
    const { requestId } = await createRequest(pool, net);
    const { sendReplyReminder } = createSurveyActivities(activityDeps(pool));
    await sendReplyReminder({ requestId, channel: 'email' });

    const { rows } = await pool.query<{ body: { replyTo: string } }>(`SELECT body FROM outbox WHERE request_id = $1 AND purpose = 'reminder'`, [requestId]);
    expect(rows).toHaveLength(1);
    const token = /^reply\+([\w-]+)@reply\.example\.com$/.exec(rows[0]!.body.replyTo)?.[1];
    expect(token, `reply-to ${rows[0]!.body.replyTo}`).toBeDefined();
    expect((await findToken(pool, token!, 'email-reply'))?.requestId).toBe(requestId);
  });
});
