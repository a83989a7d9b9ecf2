import { inject } from 'vitest';
import { createPool, type Pool } from '../../db/pool';

export function testPool(): Pool {
  return createPool(inject('databaseUrl'), 5);
}
