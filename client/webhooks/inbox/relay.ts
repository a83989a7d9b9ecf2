import type { PoolClient } from '../../../db/pool';
import { deliverInbound, type DeliveryDeps } from './deliver';
import { relayTechnicianReports } from './technicianReports';

export interface InboxRelay {
  stop(): Promise<void>;
}

/**
 * Delivers inbox rows that could not be signalled when they arrived (Temporal was down), each
 * after a pause that grows with its attempts. Rows are claimed with SKIP LOCKED so several webhook
 * processes can relay at once without signalling the same row together; NO KEY UPDATE because
 * storing a late reply references the row by foreign key, which a plain FOR UPDATE would block.
 */
export function startInboxRelay(deps: DeliveryDeps, options: { intervalMs?: number; batchSize?: number } = {}): InboxRelay {
  const intervalMs = options.intervalMs ?? 2000;
  const batchSize = options.batchSize ?? 20;
  let running = true;
  let wake: (() => void) | undefined;

  const loop = (async () => {
    while (running) {
      let handled = 0;
      try {
        handled = await relayOnce(deps, batchSize);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'inbox relay: pass failed; trying again shortly');
      }
      if (handled < batchSize && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  })();

  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}

/** One pass over the rows that are due; returns how many it handled. */
export async function relayOnce(deps: DeliveryDeps, batchSize = 20): Promise<number> {
  const db: PoolClient = await deps.pool.connect();
  try {
    await db.query('BEGIN');
    const { rows } = await db.query<{ id: string }>(
      // A row nobody has tried yet is being delivered by the webhook that stored it; leave it a moment.
      `SELECT id FROM inbox
        WHERE status = 'pending' AND next_attempt_at <= now() AND (attempts > 0 OR received_at < now() - interval '10 seconds')
        ORDER BY id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`,
      [batchSize],
    );
    for (const { id } of rows) {
      try {
        await deliverInbound(deps, Number(id), db);
      } catch (err) {
        await db.query(
          `UPDATE inbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + least(interval '1 second' * power(2, attempts), interval '5 minutes') WHERE id = $1`,
          [id, String((err as Error).message).slice(0, 500)],
        );
        deps.log.error({ inboxId: Number(id), err: (err as Error).message }, 'inbox relay: row failed');
      }
    }
    const reports = await relayTechnicianReports(deps, db, batchSize);
    await db.query('COMMIT');
    return rows.length + reports;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    db.release();
  }
}
