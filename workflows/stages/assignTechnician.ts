import { condition, patched } from '@temporalio/workflow';
import { acts } from '../activityProxy';
import type { Booking } from '../types';
import { unlessNotSent, waitForContactHours, type StageContext } from './context';

/**
 * Stage 2: technicians who cover the area and field and are free in the wanted window are offered
 * to the customer; their choice (or, after the time limit, the best candidate) is reserved,
 * dispatched, and the customer is told when the visit is. With nobody free, the search is retried
 * as new slots are registered, and the centre is alerted once.
 */
export async function assignTechnician(ctx: StageContext): Promise<Booking | undefined> {
  const { input, state } = ctx;
  const { policy, requestId } = input;
  let supervisorAlerted = false;
  for (let attempt = 1; attempt <= policy.noTechnicianMaxAttempts && !state.cancelled; attempt++) {
    state.enter('assigning_technician');
    const candidates = await acts.findTechnicianCandidates({ requestId });
    if (candidates.length === 0) {
      if (attempt === 1) {
        await acts.escalateToSupervisor({ requestId, kind: 'no_technician' });
        supervisorAlerted = true;
      }
      await condition(() => state.cancelled, policy.noTechnicianRetryMs);
      continue;
    }

    state.offered(candidates);
    state.enter('awaiting_customer_choice');
    await waitForContactHours(ctx);
    // Not delivered: the choice times out and the best candidate is taken.
    await unlessNotSent('technician choice', () => acts.offerTechnicianChoice({ requestId, candidates, expiresInMs: policy.choiceTimeoutMs }));
    await condition(() => state.chosenTechnicianId !== undefined || state.cancelled, policy.choiceTimeoutMs);
    if (state.cancelled) return undefined;

    state.enter('assigning_technician');
    const chosen = candidates.find((c) => c.technicianId === state.chosenTechnicianId);
    const preference = chosen ? [chosen, ...candidates.filter((c) => c !== chosen)] : candidates;
    const booking = await acts.reserveTechnicianSlot({ requestId, candidates: preference });
    if (!booking) {
      // Every candidate was taken meanwhile by other requests: search again right away.
      state.forgetChoice();
      continue;
    }
    state.assignTechnician(booking.technicianId, booking.slotId, { startsAt: booking.startsAt, endsAt: booking.endsAt });
    await acts.dispatchJob({ requestId, booking });
    await waitForContactHours(ctx);
    await unlessNotSent('visit notice', () => acts.sendVisitNotice({ requestId, booking }));
    return booking;
  }
  // Giving up after losing every booking race must not close the request unseen by the centre.
  if (!state.cancelled && !supervisorAlerted && patched('alert-when-every-race-lost')) {
    await acts.escalateToSupervisor({ requestId, kind: 'no_technician' });
  }
  return undefined;
}

