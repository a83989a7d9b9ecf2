import type { Pool } from '../../../db/pool';
import { seedNetwork } from '../../support/fixtures';
import { seedCustomer, seedReply, seedRequest, seedSurvey } from './seedRequests';

const at = (iso: string) => new Date(iso);

/**
 * Two months of surveys and answers for a centre of its own, read in Asia/Seoul (UTC+9) for
 * November and December 2026. The figures the tests expect are worked out in the comments.
 *
 * Edges: R1 arrives at 00:30 on 1 November in Seoul (still October in UTC) and counts; R10 at
 * 00:30 on 1 January in Seoul (still December in UTC) does not. R6's late answer never counts.
 * R3 was first booked with technician 0, who released it; technician 1 did the job.
 */
export async function seedStatisticsScenario(pool: Pool) {
  const network = await seedNetwork(pool);
  const [t0, t1] = network.technicianIds as [string, string];
  const customerId = await seedCustomer(pool, network);
  const request = (technicianId: string, releasedFrom?: string) => seedRequest(pool, network, { customerId, technicianId, releasedFrom });

  const r1 = await request(t0);
  await seedSurvey(pool, r1, 'voice', at('2026-10-31T15:00:00Z'));
  await seedReply(pool, r1, { channel: 'voice', category: 'delighted', rating: 5, items: { kindness: 5 }, receivedAt: at('2026-10-31T15:30:00Z') });

  const r2 = await request(t0);
  await seedSurvey(pool, r2, 'voice', at('2026-11-06T01:00:00Z'));
  await seedSurvey(pool, r2, 'sms', at('2026-11-06T02:00:00Z'));
  await seedReply(pool, r2, { channel: 'sms', category: 'satisfied', rating: 4, items: { kindness: 4, punctuality: 2 }, receivedAt: at('2026-11-07T03:00:00Z') });

  const r3 = await request(t1, t0);
  await seedSurvey(pool, r3, 'email', at('2026-11-10T01:00:00Z'));
  await seedReply(pool, r3, { channel: 'web', category: 'complaint', rating: 2, items: { kindness: 1, punctuality: 3 }, receivedAt: at('2026-11-11T01:00:00Z') });

  const r4 = await request(t1);
  await seedSurvey(pool, r4, 'sms', at('2026-11-20T01:00:00Z'));

  const r5 = await request(t0);
  await seedSurvey(pool, r5, 'email', at('2026-11-30T15:30:00Z'));
  await seedReply(pool, r5, { channel: 'email', category: 'usage_question', receivedAt: at('2026-12-02T01:00:00Z') });

  const r6 = await request(t1);
  await seedSurvey(pool, r6, 'sms', at('2026-12-03T01:00:00Z'));
  await seedReply(pool, r6, { channel: 'sms', category: 'satisfied', rating: 3, receivedAt: at('2026-12-04T01:00:00Z') });
  await seedReply(pool, r6, { channel: 'sms', category: 'complaint', rating: 1, late: true, receivedAt: at('2026-12-20T01:00:00Z') });

  const r7 = await request(t0);
  await seedSurvey(pool, r7, 'voice', at('2026-12-05T01:00:00Z'));
  await seedReply(pool, r7, { channel: 'voice', category: 'repeat_failure', rating: 1, receivedAt: at('2026-12-05T01:10:00Z') });

  const r9 = await request(t1);
  await seedSurvey(pool, r9, 'sms', at('2026-11-25T01:00:00Z'));
  await seedSurvey(pool, r9, 'email', at('2026-11-25T01:05:00Z'), 'failed');

  const r10 = await request(t0);
  await seedSurvey(pool, r10, 'sms', at('2026-12-31T15:10:00Z'));
  await seedReply(pool, r10, { channel: 'sms', category: 'delighted', rating: 5, receivedAt: at('2026-12-31T15:30:00Z') });

  // Another centre's answer in the same weeks: never in this centre's figures.
  const other = await seedNetwork(pool);
  const otherCustomer = await seedCustomer(pool, other);
  const o1 = await seedRequest(pool, other, { customerId: otherCustomer, technicianId: other.technicianIds[0] });
  await seedSurvey(pool, o1, 'sms', at('2026-11-15T01:00:00Z'));
  await seedReply(pool, o1, { channel: 'sms', category: 'delighted', rating: 5, receivedAt: at('2026-11-15T02:00:00Z') });

  return { network, other, technicians: { t0, t1 } };
}

export const SCENARIO_FILTER = { from: '2026-11-01', to: '2027-01-01', timeZone: 'Asia/Seoul' } as const;
