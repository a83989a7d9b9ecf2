import type { Pool } from '../../../db/pool';
import type { CliDeps } from '../../../client/cli/support/cli';

/** CLI dependencies that record what was printed; `pool` counts its uses so tests can see a typo never reached the database. */
export function captured(pool: Pool, timeZone = 'Asia/Seoul') {
  const out: string[] = [];
  const err: string[] = [];
  let poolUses = 0;
  const deps: CliDeps = {
    pool: () => {
      poolUses++;
      return pool;
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    timeZone,
  };
  return {
    deps,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
    json: () => JSON.parse(out.join('\n')),
    poolUses: () => poolUses,
  };
}
