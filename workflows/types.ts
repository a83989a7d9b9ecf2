/**
 * The vocabulary of a service request, shared by the workflow, its activities and its clients.
 * Nothing here carries a customer's contact details: those stay sealed in the intake payload and
 * in PostgreSQL, so workflow histories hold ids, stages and outcomes only.
 */

export const STAGES = [
  'intake',
  'assigning_technician',
  'awaiting_customer_choice',
  'awaiting_completion',
  'letting_repair_settle',
  'waiting_for_contact_hours',
  'phone_attempt',
  'sending_survey',
  'awaiting_reply',
  'settling_reply',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

export type CloseReason =
  | 'answered'
  | 'no_reply'
  | 'no_contact_channel'
  | 'cancelled'
  | 'no_technician'
  | 'rejected_at_intake';

export type ReplyCategory = 'repeat_failure' | 'usage_question' | 'complaint' | 'delighted' | 'satisfied';
export type SurveyChannel = 'email' | 'sms' | 'whatsapp';
export type ReplyChannel = 'voice' | 'sms' | 'email' | 'web' | 'whatsapp';
export type ProgressStatus = 'en_route' | 'arrived' | 'working';
export type CallOutcome = 'answered' | 'callback_requested' | 'no_answer' | 'busy' | 'failed' | 'machine' | 'refused';

/** Durations and rules fixed when the request starts, so a config change never alters a running history. */
export interface FollowUpPolicy {
  choiceTimeoutMs: number;
  completionSlaMs: number;
  callOutcomeTimeoutMs: number;
  replyWindowMs: number;
  reminderBeforeCloseMs: number;
  noTechnicianRetryMs: number;
  noTechnicianMaxAttempts: number;
  surveyChannelPolicy: SurveyChannel;
  /** How long the customer gets to try the repair before the survey (absent in older requests: none). */
  settleTimeMs?: number;
  /** TIME_SCALE when the request started: a product field's own settle time is scaled like the rest. */
  timeScale?: number;
  /** A customer may not move a visit that starts sooner than this (absent in older requests: 24 h). */
  rescheduleNoticeMs?: number;
  /** How often a customer may move their visit (absent in older requests: 2). */
  maxReschedules?: number;
}

export interface ServiceRequestInput {
  requestId: string;
  customer: {
    /** A known customer's id, or the id to register a new customer under. */
    customerId: string;
    /** Name, email and mobile number, encrypted by the client (AES-256-GCM); only intake opens it. */
    sealedContact?: string;
    areaCode: string;
    language?: 'ko' | 'en';
    timeZone?: string;
    sensitivityClass?: string;
    preferredChannel?: SurveyChannel;
    /** What the customer opted in to when registering (advertisements, at night too, WhatsApp); absent: nothing. */
    optIns?: ('marketing' | 'marketing_night' | 'whatsapp')[];
  };
  product: { field: string; model?: string; fault: string };
  wantedWindow: { start: string; end: string };
  revisitOf?: string;
  policy: FollowUpPolicy;
}

export interface RegisteredRequest {
  requestId: string;
  customerId: string;
  serviceCentreId: string;
  newCustomer: boolean;
}

export interface Candidate {
  technicianId: string;
  slotId: number;
  startsAt: string;
  endsAt: string;
}

export interface Booking {
  technicianId: string;
  slotId: number;
  startsAt: string;
  endsAt: string;
}

export interface ContactOptions {
  voice: boolean;
  sms: boolean;
  email: boolean;
  /** WhatsApp consent, a centre sender, and a template or an open session (absent in older requests: no). */
  whatsapp?: boolean;
  /** What the customer said they prefer for messages, if anything. */
  preferred?: SurveyChannel;
}

export interface SurveyReply {
  eventId: string;
  channel: ReplyChannel;
  /** The durable-inbox row that holds the reply's text; the text itself never enters history. */
  inboxId?: number;
  rating?: number;
  receivedAt: string;
}

export interface SettledReply {
  category: ReplyCategory;
  pointsGranted: number;
  followUpRequestId?: string;
  agentTaskOpened: boolean;
}

export interface ServiceRequestState {
  requestId: string;
  stage: Stage;
  stageHistory: { stage: Stage; at: string }[];
  customerId: string;
  serviceCentreId?: string;
  technicianId?: string;
  visit?: { startsAt: string; endsAt: string };
  /** How often the customer moved the visit (absent in older requests' state: none). */
  reschedules?: number;
  progress: { status: ProgressStatus | 'completed'; at: string }[];
  escalated: boolean;
  callOutcome?: CallOutcome;
  channelsTried: ('voice' | SurveyChannel)[];
  reminderSent: boolean;
  replyChannel?: ReplyChannel;
  replyCategory?: ReplyCategory;
  incentivePoints: number;
  followUpRequestId?: string;
  closeReason?: CloseReason;
}

export interface ServiceRequestResult {
  requestId: string;
  closeReason: CloseReason;
  replyCategory?: ReplyCategory;
  incentivePoints: number;
  followUpRequestId?: string;
}
