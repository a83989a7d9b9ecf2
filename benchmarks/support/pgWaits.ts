import { createPool } from '../../db/pool';

export interface WaitProfile {
  /** Samples taken (one every few ms while the phase ran). */
  samples: number;
  /** What active client backends were doing, by wait (CPU = running, no wait), most frequent first. */
  byWait: { wait: string; share: number }[];
}

/**
 * Samples pg_stat_activity while `during` runs: for every active client backend, what it waits on
 * (a lock, the WAL writer, the disk) or CPU when it waits on nothing. It is the profile of where
 * a statement's time goes when the server, not the route, is slow; sampling costs one backend.
 */
export async function sampleWaits<T>(databaseUrl: string, during: () => Promise<T>, everyMs = 5): Promise<{ result: T; waits: WaitProfile }> {
  const pool = createPool(databaseUrl, 1);
  const counts = new Map<string, number>();
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await pool.query<{ wait: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait FROM pg_stat_activity
          WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      );
      samples++;
      for (const r of rows) counts.set(r.wait, (counts.get(r.wait) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  try {
    const result = await during();
    return { result, waits: profile(counts, samples) };
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    await pool.end();
  }
}

function profile(counts: Map<string, number>, samples: number): WaitProfile {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return {
    samples,
    byWait: [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([wait, n]) => ({ wait, share: Math.round((n / Math.max(total, 1)) * 1000) / 10 })),
  };
}

/** "LWLock:WALWrite 52 %, IO:WalSync 30 %, CPU 12 %" (the first few). */
export function describeWaits(waits: WaitProfile, top = 4): string {
  if (waits.byWait.length === 0) return 'idle';
  return waits.byWait
    .slice(0, top)
    .map((w) => `${w.wait} ${w.share} %`)
    .join(', ');
}
