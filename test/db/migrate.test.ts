import { inject, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate';

describe('migrations', () => {
  it('processes starting together all come up: one migrates, the others wait for its lock', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateToLatest(inject('databaseUrl'))));
    expect(results).toEqual([[], [], [], []]); // the global setup already brought the schema up to date
  });
});
