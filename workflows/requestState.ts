import { setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
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
  ServiceReplyCategoryKey,
  ServiceRequestStageKey,
  ServiceTechnicianIdKey,
  startingSearchAttributes,
} from './searchAttributes';
import type { Patches } from './patches';
import type { Booking, Candidate, CloseReason, ReplyChannel, ServiceRequestInput, ServiceRequestState, Stage, SurveyChannel } from './types';

// Duplicate deliveries are recognised by event id; the set is bounded so a noisy sender cannot grow
// the workflow's memory without limit (older keys age out long after any provider retry).
const MAX_REMEMBERED_EVENTS = 500;

/** Every attribute of ours is a keyword (searchAttributes.ts); null removes it. */
type AttributeChange = { key: typeof ServiceRequestStageKey; value: string | null };

/**
 * Everything the workflow has learned so far, and the signals that feed it. It is the only writer
 * of the request's state: stages read it and say what happened through its methods.
 */
export class RequestState {
  private readonly view: ServiceRequestState;
  private chosen?: string;
  private completed?: JobCompleted;
  private cancellation?: { reason: string };
  /** Releases are kept even when they arrive before the booking is known to the workflow. */
  private releases: BookingReleased[] = [];
  private bookedSlotId?: number;
  /** The survey call is under way: its outcome belongs to stage 4, not to the reply window. */
  private callWindowOpen = false;
  private call?: CallOutcomeReported;
  private onTimeReply?: SurveyReplyReceived;
  private lateReplies: SurveyReplyReceived[] = [];
  private deliveryFailures: SurveyDeliveryFailed[] = [];
  private replyWindowOpen = false;
  private readonly seen = new Set<string>();
  /** The technicians of the offer the customer may choose from (until a booking is made). */
  private offer?: string[];
  /** Counts the choices that came to nothing (every candidate taken): a waiting choice learns it was not booked. */
  private lostChoices = 0;
  /** A reschedule or reassignment is being carried out: no second change until it is done. */
  private changing = false;
  /** Counts the visit changes (reschedule, reassignment): the completion wait restarts on a new one. */
  private visitChanges = 0;
  private etaAnnounced = false;
  /** Requests started before grouping write every attribute change at once, in its own upsert. */
  private readonly grouped: boolean;
  /** Attribute changes not yet written (grouped requests): they go with the next stage change. */
  private readonly pending = new Map<string, AttributeChange>();

  constructor(input: ServiceRequestInput, patches: Patches) {
    this.grouped = patches.groupedSearchAttributes;
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
    // Passed with the start by the request's starter, these are not written again (grouped requests).
    this.setAttributes(startingSearchAttributes(input.customer.customerId), 'now');
    this.listen();
  }

  // ---- what stages read ----

  get stage(): Stage {
    return this.view.stage;
  }
  get visit(): ServiceRequestState['visit'] {
    return this.view.visit;
  }
  /** The technician the customer chose from the offer, until a booking is made. */
  get chosenTechnicianId(): string | undefined {
    return this.chosen;
  }
  /** The visit held right now: technician, slot and window. */
  get booking(): Booking | undefined {
    const { technicianId, visit } = this.view;
    return technicianId && this.bookedSlotId !== undefined && visit ? { technicianId, slotId: this.bookedSlotId, ...visit } : undefined;
  }
  get offeredTechnicians(): string[] | undefined {
    return this.offer;
  }
  get choicesLost(): number {
    return this.lostChoices;
  }
  get changingVisit(): boolean {
    return this.changing;
  }
  get visitChangeCount(): number {
    return this.visitChanges;
  }
  get reschedules(): number {
    return this.view.reschedules ?? 0;
  }
  get progressReported(): boolean {
    return this.view.progress.length > 0;
  }
  /** The technician said they are on the way and the customer has not been told yet. */
  get etaDue(): boolean {
    return !this.etaAnnounced && this.view.progress.some((p) => p.status === 'en_route');
  }
  get closeReason(): CloseReason | undefined {
    return this.view.closeReason;
  }
  get completion(): JobCompleted | undefined {
    return this.completed;
  }
  get cancelled(): boolean {
    return this.cancellation !== undefined;
  }
  get escalated(): boolean {
    return this.view.escalated;
  }
  get callOutcome(): CallOutcomeReported | undefined {
    return this.call;
  }
  /** The one reply that counts: the first inside the reply window. */
  get reply(): SurveyReplyReceived | undefined {
    return this.onTimeReply;
  }
  get hasDeliveryFailure(): boolean {
    return this.deliveryFailures.length > 0;
  }
  get reminderSent(): boolean {
    return this.view.reminderSent;
  }
  hasTried(channel: 'voice' | SurveyChannel): boolean {
    return this.view.channelsTried.includes(channel);
  }
  /** The message channel the survey went out on last (where the reminder goes). */
  lastMessageChannel(): SurveyChannel | undefined {
    return [...this.view.channelsTried].reverse().find((c): c is SurveyChannel => c !== 'voice');
  }
  /** What the workflow returns when it closes. */
  outcome() {
    return {
      closeReason: this.view.closeReason,
      replyCategory: this.view.replyCategory,
      incentivePoints: this.view.incentivePoints,
      followUpRequestId: this.view.followUpRequestId,
    };
  }

  // ---- what stages say happened ----

  /** A stage change is written at once, with the attribute changes held since the last one. */
  enter(stage: Stage): void {
    if (this.view.stage === stage) {
      if (this.grouped) this.writePending();
      return;
    }
    this.view.stage = stage;
    this.view.stageHistory.push({ stage, at: new Date().toISOString() });
    this.setAttributes([{ key: ServiceRequestStageKey, value: stage }], 'now');
  }

  /** Learned at intake; written with the stage that follows at once (assigning_technician). */
  assignCentre(serviceCentreId: string): void {
    this.view.serviceCentreId = serviceCentreId;
    this.setAttributes([{ key: ServiceCentreIdKey, value: serviceCentreId }], 'with next stage');
  }

  /** The candidates of this round are offered to the customer. */
  offered(candidates: Candidate[]): void {
    this.offer = candidates.map((c) => c.technicianId);
  }

  /** The customer's choice (an update); the number says which round of choosing it belongs to. */
  choose(technicianId: string): number {
    this.chosen = technicianId;
    return this.lostChoices;
  }

  /** The customer cancels (an update); the request closes and releases its visit. */
  requestCancellation(reason: string): void {
    if (!this.cancellation) this.cancellation = { reason };
  }

  beginVisitChange(): void {
    this.changing = true;
  }

  endVisitChange(): void {
    this.changing = false;
  }

  /** The visit moved to another slot (and maybe technician); progress and the ETA notice start over. */
  rebook(booking: Booking, byCustomer: boolean): void {
    this.assignTechnician(booking.technicianId, booking.slotId, { startsAt: booking.startsAt, endsAt: booking.endsAt });
    this.view.progress = [];
    this.etaAnnounced = false;
    this.visitChanges++;
    if (byCustomer) this.view.reschedules = this.reschedules + 1;
    // The stage stays awaiting_completion: a new technician is written now (the same one is not written again).
    if (this.grouped) this.writePending();
  }

  markEtaAnnounced(): void {
    this.etaAnnounced = true;
  }

  assignTechnician(technicianId: string, slotId: number, visit: { startsAt: string; endsAt: string }): void {
    this.offer = undefined;
    this.view.technicianId = technicianId;
    this.bookedSlotId = slotId;
    this.view.visit = visit;
    // Booked while assigning: written with awaiting_completion, after the dispatch and the visit notice.
    this.setAttributes([{ key: ServiceTechnicianIdKey, value: technicianId }], 'with next stage');
  }

  /** The release of the current booking, if one came. */
  get bookingReleased(): BookingReleased | undefined {
    return this.releases.find((r) => r.technicianId === this.view.technicianId && r.slotId === this.bookedSlotId);
  }

  /** The booked technician can no longer come: forget the assignment so a new one is made. */
  releaseAssignment(): void {
    const released = this.bookingReleased;
    this.releases = this.releases.filter((r) => r !== released);
    this.chosen = undefined;
    this.bookedSlotId = undefined;
    this.view.technicianId = undefined;
    this.view.visit = undefined;
    this.view.progress = [];
    this.etaAnnounced = false;
    // The request goes back to assigning_technician at once: written with that stage.
    this.setAttributes([{ key: ServiceTechnicianIdKey, value: null }], 'with next stage');
  }

  /** Every candidate was taken before the booking: the choice no longer holds. */
  forgetChoice(): void {
    this.chosen = undefined;
    this.lostChoices++;
  }

  markEscalated(): void {
    this.view.escalated = true;
  }

  /** A channel was used to reach the customer (it is not tried again for this request). */
  tried(channel: 'voice' | SurveyChannel): void {
    this.view.channelsTried.push(channel);
  }

  /** The survey call is being placed: call outcomes from now on belong to it. */
  openCallWindow(): void {
    this.callWindowOpen = true;
  }

  /** The call's time is up; what came (or silence, counted as no answer) is its outcome. */
  closeCallWindow(): CallOutcomeReported | undefined {
    this.callWindowOpen = false;
    return this.call;
  }

  recordCallOutcome(): void {
    this.view.callOutcome = this.call?.outcome ?? 'no_answer';
  }

  /** Replies count from now on (opened before the first send: a reply can beat the send's result). */
  openReplyWindow(): void {
    this.replyWindowOpen = true;
  }

  closeReplyWindow(): void {
    this.replyWindowOpen = false;
  }

  /** The oldest bounce not yet acted on. */
  takeDeliveryFailure(): SurveyDeliveryFailed | undefined {
    return this.deliveryFailures.shift();
  }

  markReminderSent(): void {
    this.view.reminderSent = true;
  }

  settling(channel: ReplyChannel): void {
    this.view.replyChannel = channel;
  }

  classify(category: NonNullable<ServiceRequestState['replyCategory']>): void {
    this.view.replyCategory = category;
    // Settling ends with the close: the category is written with the closed stage.
    this.setAttributes([{ key: ServiceReplyCategoryKey, value: category }], 'with next stage');
  }

  granted(points: number): void {
    this.view.incentivePoints = points;
  }

  followedUpBy(requestId: string): void {
    this.view.followUpRequestId = requestId;
  }

  closing(reason: CloseReason): void {
    this.view.closeReason = reason;
  }

  /** Replies that came too late (or twice) and are not yet on record; taking them clears the list. */
  takeLateReplies(): SurveyReplyReceived[] {
    return this.lateReplies.splice(0);
  }

  /**
   * What operators filter by in the Web UI (searchAttributes.ts). Every upsert is a history event
   * and a visibility write on the server, so a request started with grouping writes an attribute
   * only when its value changes, and the changes learned inside a stage (the centre, the
   * technician, the reply category) together with the next stage change: one upsert per stage
   * entered. Older requests write each change at once, as they were recorded.
   */
  private setAttributes(changes: AttributeChange[], when: 'now' | 'with next stage'): void {
    if (!this.grouped) {
      upsertSearchAttributes(changes);
      return;
    }
    for (const change of changes) this.pending.set(change.key.name, change);
    if (when === 'now') this.writePending();
  }

  /** One upsert with the held changes whose value differs from what the request carries now. */
  private writePending(): void {
    const current = workflowInfo().typedSearchAttributes;
    const changed = [...this.pending.values()].filter((c) => (current.get(c.key) ?? null) !== c.value);
    this.pending.clear();
    if (changed.length > 0) upsertSearchAttributes(changed);
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
    if (this.replyWindowOpen && !this.onTimeReply) this.onTimeReply = reply;
    else this.lateReplies.push(reply);
  }

  private listen(): void {
    setHandler(getStateQuery, () => this.view);
    setHandler(technicianChosenSignal, (s) => {
      // A choice counts until a technician is booked; the customer may answer before the offer lands.
      if (this.firstTime(s.eventId) && !this.view.technicianId) {
        this.chosen = s.technicianId;
      }
    });
    setHandler(technicianProgressSignal, (s) => {
      if (!this.firstTime(s.eventId) || s.technicianId !== this.view.technicianId || this.completed) return;
      this.view.progress.push({ status: s.status, at: s.at });
    });
    setHandler(jobCompletedSignal, (s) => {
      if (!this.firstTime(s.eventId) || s.technicianId !== this.view.technicianId || this.completed) return;
      this.completed = s;
      this.view.progress.push({ status: 'completed', at: s.at });
    });
    setHandler(bookingReleasedSignal, (s) => {
      if (!this.firstTime(s.eventId) || this.completed) return;
      // A release that names its slot is kept until that booking is known; one that does not can
      // only mean the booking of that technician held right now.
      if (s.slotId !== undefined) this.releases.push(s);
      else if (s.technicianId === this.view.technicianId && this.bookedSlotId !== undefined) this.releases.push({ ...s, slotId: this.bookedSlotId });
    });
    setHandler(cancelRequestSignal, (s) => {
      // After the visit is done there is nothing left to cancel: the follow-up runs to its end.
      if (this.firstTime(s.eventId) && !this.completed && !this.cancellation) this.cancellation = { reason: s.reason };
    });
    setHandler(callOutcomeSignal, (s) => {
      if (!this.firstTime(s.eventId)) return;
      if (this.callWindowOpen) {
        if (!this.call) this.call = s;
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
