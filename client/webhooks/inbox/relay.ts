import { claimDueInboxRows } from '../../../db/queries/inbox';
import { deliverInbound, type DeliveryDeps } from './deliver';

export interface InboxRelay {
  stop(): Promise<void>;
}

/**
 * Delivers inbox rows that could not be signalled when they arrived (Temporal was down or slow),
 * each after a pause that grows with its attempts: replies, call outcomes, delivery failures,
 * released bookings, technician reports and choices alike.
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

/** One pass: claim the due rows (released at once), then signal each; returns how many it handled. */
export async function relayOnce(deps: DeliveryDeps, batchSize = 20): Promise<number> {
  const ids = await claimDueInboxRows(deps.pool, batchSize);
  for (const id of ids) {
    try {
      await deliverInbound(deps, id);
    } catch (err) {
      // The lease runs out by itself; the row is due again then.
      deps.log.error({ inboxId: id, err: (err as Error).message }, 'inbox relay: row failed');
    }
  }
  return ids.length;
}
