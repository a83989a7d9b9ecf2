import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/promotions';
import { testPool } from '../../support/db';
import { seedNetwork } from '../../support/fixtures';
import { captured } from './capture';

const pool = testPool();
let network: Awaited<ReturnType<typeof seedNetwork>>;
beforeAll(async () => {
  network = await seedNetwork(pool, { technicians: 0 });
});
afterAll(() => pool.end());

const texts = ['--title-ko', '겨울맞이 점검', '--title-en', 'Winter check', '--body-ko', '필터 20% 할인', '--body-en', '20% off filters'];
const december = () => new Date('2026-12-02T03:00:00Z');

describe('promotions CLI', () => {
  it('adds a promotion limited to a centre and a field, lists it while it runs, and ends it', async () => {
    const id = `promo-${randomBytes(4).toString('hex')}`;
    const added = captured(pool);
    expect(await run(['add', '--id', id, ...texts, '--from', '2026-12-01T00:00:00+09:00', '--to', '2026-12-31T00:00:00+09:00', '--centre', network.centreId, '--field', network.field], added.deps, december)).toBe(0);
    expect(added.stdout()).toBe(`Promotion ${id} added.`);

    const listed = captured(pool);
    expect(await run(['list', '--running', '--json'], listed.deps, december)).toBe(0);
    expect(listed.json()).toContainEqual({
      id, titleKo: '겨울맞이 점검', titleEn: 'Winter check', bodyKo: '필터 20% 할인', bodyEn: '20% off filters',
      startsAt: '2026-11-30T15:00:00.000Z', endsAt: '2026-12-30T15:00:00.000Z', centres: [network.centreId], fields: [network.field],
    });
    const again = captured(pool);
    expect(await run(['add', '--id', id, ...texts, '--from', '2026-12-01T00:00:00+09:00', '--to', '2026-12-31T00:00:00+09:00'], again.deps, december)).toBe(1);
    expect(again.stderr()).toContain('exists already');

    expect(await run(['end', '--id', id], captured(pool).deps, december)).toBe(0);
    const after = captured(pool);
    await run(['list', '--running', '--json'], after.deps, december);
    expect(after.json().map((p: { id: string }) => p.id)).not.toContain(id);
  });

  it('refuses an unknown centre or field, bad dates and an empty period, adding nothing', async () => {
    const id = `promo-${randomBytes(4).toString('hex')}`;
    const unknownCentre = captured(pool);
    expect(await run(['add', '--id', id, ...texts, '--from', '2026-12-01T00:00:00Z', '--to', '2026-12-02T00:00:00Z', '--centre', 'no-such-centre'], unknownCentre.deps)).toBe(2);
    expect(unknownCentre.stderr()).toContain('--centre: no service centre "no-such-centre"');
    const badDate = captured(pool);
    expect(await run(['add', '--id', id, ...texts, '--from', 'tomorrow', '--to', '2026-12-02T00:00:00Z'], badDate.deps)).toBe(2);
    expect(badDate.stderr()).toContain('--from must be an ISO 8601 date-time');
    expect(badDate.poolUses()).toBe(0);
    const backwards = captured(pool);
    expect(await run(['add', '--id', id, ...texts, '--from', '2026-12-02T00:00:00Z', '--to', '2026-12-01T00:00:00Z'], backwards.deps)).toBe(2);
    expect((await pool.query('SELECT 1 FROM promotions WHERE id = $1', [id])).rowCount).toBe(0);
  });
});
