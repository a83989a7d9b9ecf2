import { ApplicationFailure } from '@temporalio/common';
import type { ServiceRequestActivities } from '../../activities';
import { FailureType } from '../../workflows/failures';
import type { Booking, Candidate, ContactOptions, ReplyCategory } from '../../workflows/types';

export interface FakeWorld {
  calls: { name: string; args: unknown[] }[];
  candidates: Candidate[];
  contact: ContactOptions;
  category: ReplyCategory;
  contactWaitMs: number[];
  permanentlyFailing: Set<'sms' | 'email' | 'voice' | 'whatsapp'>;
  /** The product field's own settle time (ms), or null for the request's default. */
  fieldSettleMs: number | null;
  /** Slots a visit can be moved to (reschedule, reassignment); a move takes its slot. */
  freeSlots: Candidate[];
}

/** A visit that has just ended (in real time), so the completion SLA counts from now. */
const slot = (technicianId: string, slotId: number): Candidate => ({
  technicianId,
  slotId,
  startsAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
  endsAt: new Date().toISOString(),
});

/**
 * Activities that remember what they were asked and answer from a small in-memory world, so each
 * workflow branch can be driven on the time-skipping server without PostgreSQL or providers.
 */
export function fakeActivities(overrides: Partial<FakeWorld> = {}) {
  const world: FakeWorld = {
    calls: [],
    candidates: [slot('tech-a', 1), slot('tech-b', 2)],
    contact: { voice: true, sms: true, email: true },
    category: 'satisfied',
    contactWaitMs: [],
    permanentlyFailing: new Set(),
    fieldSettleMs: null,
    freeSlots: [],
    ...overrides,
  };
  const record = (name: string, args: unknown[]) => world.calls.push({ name, args });
  const permanent = (channel: 'sms' | 'email' | 'voice' | 'whatsapp') => {
    if (world.permanentlyFailing.has(channel)) {
      // The same failure the real outbox raises for a permanent provider error.
      throw ApplicationFailure.nonRetryable(`${channel} refused`, FailureType.PermanentDeliveryFailure);
    }
  };

  const activities: ServiceRequestActivities = {
    registerServiceRequest: async (input) => {
      record('registerServiceRequest', [input]);
      return { requestId: input.requestId, customerId: input.customer.customerId, serviceCentreId: 'centre-gangnam', newCustomer: true };
    },
    findTechnicianCandidates: async (a) => (record('findTechnicianCandidates', [a]), world.candidates),
    offerTechnicianChoice: async (a) => (record('offerTechnicianChoice', [a]), { offered: true }),
    reserveTechnicianSlot: async (a): Promise<Booking | null> => {
      record('reserveTechnicianSlot', [a]);
      return a.candidates[0] ?? null;
    },
    moveBooking: async (a): Promise<Booking | null> => {
      record('moveBooking', [a]);
      const i = world.freeSlots.findIndex((s) => s.technicianId === a.to.technicianId && (a.to.slotId === undefined || s.slotId === a.to.slotId));
      return i < 0 ? null : world.freeSlots.splice(i, 1)[0]!;
    },
    sendEtaNotice: async (a) => (record('sendEtaNotice', [a]), { sent: true }),
    dispatchJob: async (a) => void record('dispatchJob', [a]),
    sendVisitNotice: async (a) => void record('sendVisitNotice', [a]),
    contactOptions: async (a) => (record('contactOptions', [a]), world.contact),
    contactHoursWait: async (a) => (record('contactHoursWait', [a]), world.contactWaitMs.shift() ?? 0),
    surveySettleTime: async (a) => (record('surveySettleTime', [a]), world.fieldSettleMs),
    placeSurveyCall: async (a) => {
      record('placeSurveyCall', [a]);
      permanent('voice');
      return { callSid: 'CA-fake' };
    },
    sendSurveySms: async (a) => {
      record('sendSurveySms', [a]);
      permanent('sms');
    },
    sendSurveyEmail: async (a) => {
      record('sendSurveyEmail', [a]);
      permanent('email');
    },
    sendSurveyWhatsapp: async (a) => {
      record('sendSurveyWhatsapp', [a]);
      permanent('whatsapp');
    },
    sendReplyReminder: async (a) => void record('sendReplyReminder', [a]),
    classifyAndStoreReply: async (a) => (record('classifyAndStoreReply', [a]), { category: world.category }),
    storeLateReply: async (a) => void record('storeLateReply', [a]),
    grantReplyIncentive: async (a) => (record('grantReplyIncentive', [a]), 500),
    openAgentTask: async (a) => void record('openAgentTask', [a]),
    escalateToSupervisor: async (a) => void record('escalateToSupervisor', [a]),
    recordJobCompleted: async (a) => void record('recordJobCompleted', [a]),
    closeServiceRequest: async (a) => void record('closeServiceRequest', [a]),
  };
  const called = (name: string) => world.calls.filter((c) => c.name === name);
  return { activities, world, called };
}
