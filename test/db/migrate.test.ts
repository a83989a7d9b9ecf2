import pg from 'pg';
import { inject, describe, expect, it } from 'vitest';
import { migrateToLatest, migrateWhenReachable } from '../../db/migrate';
import { waitFor } from '../client/webhooks/probeHarness';

describe('migrations', () => {
  it('processes starting together all come up: one migrates, the others wait for its lock', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateToLatest(inject('databaseUrl'))));
    expect(results).toEqual([[], [], [], []]); // the global setup already brought the schema up to date
  });

  it('a process that finds the server up but its database not yet created waits for it instead of exiting', async () => {
    const name = `not_yet_${process.pid}_${Date.now()}`;
    const serverUrl = new URL(inject('databaseUrl'));
    const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString();
    const admin = new pg.Client({ connectionString: Object.assign(new URL(serverUrl), { pathname: '/postgres' }).toString() });
    await admin.connect();
    const attempts: string[] = [];
    const log = { warn: (fields: { err: string }) => attempts.push(fields.err), info: () => undefined, debug: () => undefined };
    try {
      const migrated = migrateWhenReachable(databaseUrl, log as never, { maxPauseMs: 250 });
      await waitFor('a failed attempt', async () => (attempts.length > 0 ? true : undefined), 20_000);
      expect(attempts[0]).toMatch(/does not exist/);
      await admin.query(`CREATE DATABASE ${name}`);
      const applied = await migrated;
      expect(applied.length).toBeGreaterThan(0);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
      await admin.end();
    }
  }, 60_000);
});
