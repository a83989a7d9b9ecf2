import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledReplySchema } from '../../domain/classification';
import { exportReplyLabels } from '../../scripts/export-reply-labels';
import { loadCorpus } from '../../scripts/train-classifier';
import { seedCustomer, seedRequest } from '../db/queries/seedRequests';
import { testPool } from '../support/db';
import { seedNetwork } from '../support/fixtures';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;

beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 1 });
});
afterAll(() => pool.end());

describe('export of agent labels', () => {
  it('appends each labelled reply once, in the corpus format the training reads', async () => {
    const customerId = await seedCustomer(pool, network);
    const requestId = await seedRequest(pool, network, { customerId });
    const labelledAt = new Date(Date.now() + 86_400_000 * 365 * 50); // after anything other tests label
    const { rows } = await pool.query(
      `INSERT INTO survey_replies (request_id, channel, rating, text, category, classified_category, confidence, received_at, labelled_by, labelled_at)
       VALUES ($1, 'voice', 2, '', 'complaint', 'complaint', 1, now(), 'Kim', $2), ($1, 'sms', NULL, '다음엔 딴 데 부를게요', 'complaint', 'satisfied', 0.4, now(), 'Kim', $2)
       ON CONFLICT DO NOTHING RETURNING id`,
      [requestId, labelledAt],
    );
    expect(rows).toHaveLength(1); // one on-time answer per request: the second is refused by the index
    const sms = await pool.query(
      `INSERT INTO survey_replies (request_id, channel, text, category, classified_category, confidence, late, received_at, labelled_by, labelled_at)
       VALUES ($1, 'sms', '다음엔 딴 데 부를게요', 'complaint', 'satisfied', 0.4, true, now(), 'Kim', $2) RETURNING id`,
      [requestId, labelledAt],
    );
    const file = join(mkdtempSync(join(tmpdir(), 'labels-')), 'agent-labels.jsonl');

    expect(await exportReplyLabels(pool, { file, since: labelledAt })).toEqual({ added: 2, known: 0 });
    expect(await exportReplyLabels(pool, { file, since: labelledAt })).toEqual({ added: 0, known: 2 });

    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => labelledReplySchema.parse(JSON.parse(l)));
    expect(lines).toEqual([
      { id: `agent-${rows[0].id}`, channel: 'ivr', text: '', rating: 2, expected: 'complaint' },
      { id: `agent-${sms.rows[0].id}`, channel: 'sms', text: '다음엔 딴 데 부를게요', expected: 'complaint' },
    ]);
    expect(loadCorpus([file]).map((r) => r.id)).toEqual(lines.map((r) => r.id));
  });
});
