import { setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import {
  cancelRequestSignal,
  callOutcomeSignal,
  getStateQuery,
  jobCompletedSignal,
  surveyDeliveryFailedSignal,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
  bookingReleasedSignal,
  type BookingReleased,
  type CallOutcomeReported,
  type JobCompleted,
  type SurveyDeliveryFailed,
  type SurveyReplyReceived,
} from './messages';
import {
  ServiceCentreIdKey,
  ServiceCustomerIdKey,
  ServiceReplyCategoryKey,
  ServiceRequestStageKey,
  ServiceTechnicianIdKey,
} from './searchAttributes';
import type { ServiceRequestInput, ServiceRequestState, Stage } from './types';

// Duplicate deliveries are recognised by event id; the set is bounded so a noisy sender cannot grow
// the workflow's memory without limit (older keys age out long after any provider retry).
const MAX_REMEMBERED_EVENTS = 500;

/** Everything the workflow has learned so far, and the signals that feed it. */
export class RequestState {
  readonly view: ServiceRequestState;
  chosenTechnicianId?: string;
  completion?: JobCompleted;
  cancellation?: { reason: string };
  /** Releases are kept even when they arrive before the booking is known to the workflow. */
  private releases: BookingReleased[] = [];
  private bookedSlotId?: number;
  /** The survey call is under way: its outcome belongs to stage 4, not to the reply window. */
  phoneWindowOpen = false;
  callOutcome?: CallOutcomeReported;
  reply?: SurveyReplyReceived;
  lateReplies: SurveyReplyReceived[] = [];
  deliveryFailures: SurveyDeliveryFailed[] = [];
  replyWindowOpen = false;
  private readonly seen = new Set<string>();

  constructor(input: ServiceRequestInput) {
    this.view = {
      requestId: input.requestId,
      stage: 'intake',
      stageHistory: [{ stage: 'intake', at: new Date().toISOString() }],
      customerId: input.customer.customerId,
      progress: [],
      escalated: false,
      channelsTried: [],
      reminderSent: false,
      incentivePoints: 0,
    };
    upsertSearchAttributes([
      { key: ServiceRequestStageKey, value: 'intake' },
      { key: ServiceCustomerIdKey, value: input.customer.customerId },
    ]);
    this.listen();
  }

  enter(stage: Stage): void {
    if (this.view.stage === stage) return;
    this.view.stage = stage;
    this.view.stageHistory.push({ stage, at: new Date().toISOString() });
    upsertSearchAttributes([{ key: ServiceRequestStageKey, value: stage }]);
  }

  assignCentre(serviceCentreId: string): void {
    this.view.serviceCentreId = serviceCentreId;
    upsertSearchAttributes([{ key: ServiceCentreIdKey, value: serviceCentreId }]);
  }

  assignTechnician(technicianId: string, slotId: number, visit: { startsAt: string; endsAt: string }): void {
    this.view.technicianId = technicianId;
    this.bookedSlotId = slotId;
    this.view.visit = visit;
    upsertSearchAttributes([{ key: ServiceTechnicianIdKey, value: technicianId }]);
  }

  /** The release of the current booking, if one came. */
  get bookingReleased(): BookingReleased | undefined {
    return this.releases.find((r) => r.technicianId === this.view.technicianId && r.slotId === this.bookedSlotId);
  }

  /** The booked technician can no longer come: forget the assignment so a new one is made. */
  releaseAssignment(): void {
    const released = this.bookingReleased;
    this.releases = this.releases.filter((r) => r !== released);
    this.chosenTechnicianId = undefined;
    this.bookedSlotId = undefined;
    this.view.technicianId = undefined;
    this.view.visit = undefined;
    this.view.progress = [];
    upsertSearchAttributes([{ key: ServiceTechnicianIdKey, value: null }]);
  }

  classify(category: NonNullable<ServiceRequestState['replyCategory']>): void {
    this.view.replyCategory = category;
    upsertSearchAttributes([{ key: ServiceReplyCategoryKey, value: category }]);
  }

  get cancelled(): boolean {
    return this.cancellation !== undefined;
  }

  private firstTime(eventId: string): boolean {
    if (this.seen.has(eventId)) return false;
    this.seen.add(eventId);
    if (this.seen.size > MAX_REMEMBERED_EVENTS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  /** Only the first reply inside the window counts; any other is kept on record as late. */
  private acceptReply(reply: SurveyReplyReceived): void {
    if (this.replyWindowOpen && !this.reply) this.reply = reply;
    else this.lateReplies.push(reply);
  }

  private listen(): void {
    setHandler(getStateQuery, () => this.view);
    setHandler(technicianChosenSignal, (s) => {
      // A choice counts until a technician is booked; the customer may answer before the offer lands.
      if (this.firstTime(s.eventId) && !this.view.technicianId) {
        this.chosenTechnicianId = s.technicianId;
      }
    });
    setHandler(technicianProgressSignal, (s) => {
      if (!this.firstTime(s.eventId) || s.technicianId !== this.view.technicianId || this.completion) return;
      this.view.progress.push({ status: s.status, at: s.at });
    });
    setHandler(jobCompletedSignal, (s) => {
      if (!this.firstTime(s.eventId) || s.technicianId !== this.view.technicianId || this.completion) return;
      this.completion = s;
      this.view.progress.push({ status: 'completed', at: s.at });
    });
    setHandler(bookingReleasedSignal, (s) => {
      if (!this.firstTime(s.eventId) || this.completion) return;
      // A release that names its slot is kept until that booking is known; one that does not can
      // only mean the booking of that technician held right now.
      if (s.slotId !== undefined) this.releases.push(s);
      else if (s.technicianId === this.view.technicianId && this.bookedSlotId !== undefined) this.releases.push({ ...s, slotId: this.bookedSlotId });
    });
    setHandler(cancelRequestSignal, (s) => {
      // After the visit is done there is nothing left to cancel: the follow-up runs to its end.
      if (this.firstTime(s.eventId) && !this.completion && !this.cancellation) this.cancellation = { reason: s.reason };
    });
    setHandler(callOutcomeSignal, (s) => {
      if (!this.firstTime(s.eventId)) return;
      if (this.phoneWindowOpen) {
        if (!this.callOutcome) this.callOutcome = s;
      } else if (s.outcome === 'answered' && s.rating !== undefined) {
        // A keypad rating that came after the call's time was up is still the customer's answer.
        this.acceptReply({ eventId: s.eventId, channel: 'voice', rating: s.rating, at: s.at });
      }
    });
    setHandler(surveyReplySignal, (s) => {
      if (this.firstTime(s.eventId)) this.acceptReply(s);
    });
    setHandler(surveyDeliveryFailedSignal, (s) => {
      if (this.firstTime(s.eventId) && this.replyWindowOpen) this.deliveryFailures.push(s);
    });
  }
}
