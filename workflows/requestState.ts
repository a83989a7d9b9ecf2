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
  bookingReleased?: BookingReleased;
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

  assignTechnician(technicianId: string, visit: { startsAt: string; endsAt: string }): void {
    this.view.technicianId = technicianId;
    this.view.visit = visit;
    upsertSearchAttributes([{ key: ServiceTechnicianIdKey, value: technicianId }]);
  }

  /** The booked technician can no longer come: forget the assignment so a new one is made. */
  releaseAssignment(): void {
    this.bookingReleased = undefined;
    this.chosenTechnicianId = undefined;
    this.view.technicianId = undefined;
    this.view.visit = undefined;
    this.view.progress = [];
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
      if (this.firstTime(s.eventId) && !this.completion && s.technicianId === this.view.technicianId) this.bookingReleased = s;
    });
    setHandler(cancelRequestSignal, (s) => {
      // After the visit is done there is nothing left to cancel: the follow-up runs to its end.
      if (this.firstTime(s.eventId) && !this.completion && !this.cancellation) this.cancellation = { reason: s.reason };
    });
    setHandler(callOutcomeSignal, (s) => {
      if (this.firstTime(s.eventId) && !this.callOutcome) this.callOutcome = s;
    });
    setHandler(surveyReplySignal, (s) => {
      if (!this.firstTime(s.eventId)) return;
      // Only the first reply inside the window counts; any other is kept on record as late.
      if (this.replyWindowOpen && !this.reply) this.reply = s;
      else this.lateReplies.push(s);
    });
    setHandler(surveyDeliveryFailedSignal, (s) => {
      if (this.firstTime(s.eventId) && this.replyWindowOpen) this.deliveryFailures.push(s);
    });
  }
}
