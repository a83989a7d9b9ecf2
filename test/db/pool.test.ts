import { afterAll, describe, expect, it, inject } from 'vitest';
import { createPool } from '../../db/pool';

const durable = createPool(inject('databaseUrl'), 1);
const bookkeeping = createPool(inject('databaseUrl'), 1, undefined, { waitForDisk: false });
afterAll(async () => {
  await durable.end();
  await bookkeeping.end();
});

describe('database pools', () => {
  it('commit to disk before answering by default: a stored event survives a crash once the provider is answered', async () => {
    const { rows } = await durable.query('SHOW synchronous_commit');
    expect(rows[0].synchronous_commit).toBe('on');
  });

  it('a bookkeeping pool does not wait for the disk, for writes that are redone when lost', async () => {
    const { rows } = await bookkeeping.query('SHOW synchronous_commit');
    expect(rows[0].synchronous_commit).toBe('off');
  });
});
