import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { acts } from './activityProxy';
import {
  cancelRequestUpdate,
  chooseTechnicianUpdate,
  reassignTechnicianUpdate,
  rescheduleVisitUpdate,
  UPDATE_REFUSED,
  type CancelResult,
  type ChoiceResult,
  type RefusalCode,
  type VisitChangeResult,
} from './messages';
import type { StageContext } from './stages/context';

/** Requests started before reschedules had a policy of their own use these. */
export const DEFAULT_RESCHEDULE_NOTICE_MS = 24 * 3_600_000;
export const DEFAULT_MAX_RESCHEDULES = 2;

const REFUSALS: Record<RefusalCode, string> = {
  request_closed: 'the request is closed',
  cancelled: 'the request is cancelled',
  visit_completed: 'the visit is done; there is nothing left to change',
  already_booked: 'a technician is already booked',
  no_open_offer: 'no choice of technicians is open',
  not_offered: 'that technician is not among those offered',
  no_visit_booked: 'no visit is booked yet',
  change_in_progress: 'the visit is being changed right now; try again in a moment',
  technician_on_the_way: 'the technician has already set out',
  too_many_reschedules: 'the visit was moved as often as allowed',
  too_close_to_visit: 'the visit is too soon to be moved',
  in_the_past: 'the new time has passed',
  same_visit: 'that is the visit already booked',
  slot_taken: 'that time was taken meanwhile',
  no_free_slot: 'the technician has no free time',
  no_technician: 'no technician could be found',
};

/** A validator's refusal: nothing is written to history; the sender gets the code and its wording. */
function refuse(code: RefusalCode): never {
  throw ApplicationFailure.create({ type: UPDATE_REFUSED, message: REFUSALS[code], details: [code], nonRetryable: true });
}

/**
 * The updates of a service request. Validators read the state only; handlers say what happened
 * through the state's methods and wait for the flowchart (serviceRequest.ts) where the answer
 * depends on it (a booking, the close). A visit change runs its own activity, so that the answer
 * says what happened: the old booking is released and the new one held in one transaction, so the
 * request is never without its visit. The dispatch and the notice follow in the flowchart.
 */
export function listenForUpdates(ctx: StageContext): void {
  const { input, state } = ctx;
  const { requestId } = input;

  const open = () => {
    if (state.cancelled) refuse('cancelled');
    if (state.closeReason !== undefined) refuse('request_closed');
  };

  setHandler(
    chooseTechnicianUpdate,
    async ({ technicianId }): Promise<ChoiceResult> => {
      const round = state.choose(technicianId);
      await condition(() => state.booking !== undefined || state.cancelled || state.choicesLost !== round || state.closeReason !== undefined);
      const booking = state.booking;
      if (booking) return { outcome: 'booked', booking, asChosen: booking.technicianId === technicianId };
      if (state.cancelled) return { outcome: 'not_booked', reason: 'cancelled' };
      if (state.closeReason !== undefined) return { outcome: 'not_booked', reason: 'no_technician' };
      // Every candidate was taken before the booking: a new offer follows.
      return { outcome: 'not_booked', reason: 'slot_taken' };
    },
    {
      validator: ({ technicianId }) => {
        open();
        if (state.booking) refuse('already_booked');
        const offer = state.offeredTechnicians;
        if (!offer) refuse('no_open_offer');
        if (!offer.includes(technicianId)) refuse('not_offered');
      },
    },
  );

  setHandler(
    cancelRequestUpdate,
    async ({ reason }): Promise<CancelResult> => {
      state.requestCancellation(reason);
      await condition(() => state.stage === 'closed');
      if (state.closeReason !== 'cancelled') return { outcome: 'not_cancelled', reason: state.completion ? 'visit_completed' : 'request_closed' };
      return { outcome: 'cancelled', released: state.booking };
    },
    {
      validator: (_cancellation) => {
        // A repeated cancellation answers like the first.
        if (state.cancelled) return;
        if (state.completion) refuse('visit_completed');
        if (state.closeReason !== undefined) refuse('request_closed');
      },
    },
  );

  /** Common to both visit changes: a booked visit, not yet done, nothing else under way. */
  const changeable = () => {
    open();
    if (state.completion) refuse('visit_completed');
    if (!state.booking || state.bookingReleased) refuse('no_visit_booked');
    if (state.changingVisit || state.stage !== 'awaiting_completion') refuse('change_in_progress');
  };

  async function changeVisit(to: { technicianId: string; slotId?: number }, byCustomer: boolean): Promise<VisitChangeResult> {
    const previous = state.booking!;
    state.beginVisitChange();
    try {
      const booking = await acts.moveBooking({ requestId, from: previous, to });
      if (!booking) return { outcome: 'not_moved', reason: to.slotId === undefined ? 'no_free_slot' : 'slot_taken' };
      // The flowchart dispatches the job to the technician and announces the new visit (awaitCompletion).
      state.rebook(booking, byCustomer);
      return { outcome: 'moved', booking, previous };
    } finally {
      state.endVisitChange();
    }
  }

  setHandler(rescheduleVisitUpdate, (to) => changeVisit(to, true), {
    validator: (to) => {
      changeable();
      const { policy } = input;
      const current = state.booking!;
      if (state.progressReported) refuse('technician_on_the_way');
      if (state.reschedules >= (policy.maxReschedules ?? DEFAULT_MAX_RESCHEDULES)) refuse('too_many_reschedules');
      if (Date.parse(current.startsAt) - Date.now() < (policy.rescheduleNoticeMs ?? DEFAULT_RESCHEDULE_NOTICE_MS)) refuse('too_close_to_visit');
      const startsAt = Date.parse(to.startsAt);
      if (Number.isNaN(startsAt) || startsAt <= Date.now()) refuse('in_the_past');
      if (to.slotId === current.slotId && to.technicianId === current.technicianId) refuse('same_visit');
    },
  });

  setHandler(reassignTechnicianUpdate, ({ technicianId, slotId }) => changeVisit({ technicianId, slotId }, false), {
    validator: ({ technicianId, slotId }) => {
      changeable();
      const current = state.booking!;
      if (technicianId === current.technicianId && (slotId === undefined || slotId === current.slotId)) refuse('same_visit');
    },
  });
}
