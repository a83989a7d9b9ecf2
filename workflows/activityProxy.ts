import { proxyActivities, proxyLocalActivities, type ActivityInterfaceFor, type RetryPolicy } from '@temporalio/workflow';
import type { ServiceRequestActivities } from '../activities';
import { NON_RETRYABLE_FAILURES } from './failures';
import type { Patches } from './patches';

type Activities = ActivityInterfaceFor<ServiceRequestActivities>;

const retry = (overrides: RetryPolicy = {}): RetryPolicy => ({
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
  ...overrides,
});

/**
 * Options per kind of activity. Every attempt is short, so the attempt of a worker that died is
 * retried within seconds (not after a minute); bad data is never retried (failures.ts).
 *
 * - records: database reads and writes, one short transaction each. A database outage is waited
 *   out (attempts unbounded, at most a minute apart): the record must be made.
 * - staff messages: dispatch to the technician, agent tasks and escalations write their record and
 *   mail a person; the provider call is bounded by its SDK timeout (20 s), so 45 s per attempt.
 *   Unbounded like records: the row is what counts.
 * - customer messages: the choice link, the visit notice, the survey call, SMS, email and
 *   WhatsApp, the reminder. Bounded (25 attempts, at most 6 hours): a message that cannot leave by
 *   then is given up, and the workflow takes the branch it has for that (the other channel, the
 *   best candidate, no reminder). The outbox makes each attempt safe: nothing is sent twice.
 * - short reads (contact options, contact hours, the settle time): local activities, no round trip through the
 *   server's task queue.
 * - the points granted after the reply is stored: a short record write that decides nothing on its
 *   own, so a local activity with the records' options (one workflow task fewer to close). The
 *   completion record stays on the task queue: a local activity there would be followed by the
 *   first check of the settle-time patch, and a patch first checked after a local activity replays
 *   wrongly if a workflow task ended between them (seen on the time-skipping test server).
 */
const records = proxyActivities<ServiceRequestActivities>({ startToCloseTimeout: '15 seconds', retry: retry() });
const staffMessages = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '45 seconds',
  retry: retry({ initialInterval: '5 seconds', maximumInterval: '10 minutes' }),
});
const customerMessages = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '45 seconds',
  scheduleToCloseTimeout: '6 hours',
  retry: retry({ initialInterval: '5 seconds', maximumInterval: '10 minutes', maximumAttempts: 25 }),
});
const localReads = proxyLocalActivities<ServiceRequestActivities>({ startToCloseTimeout: '5 seconds', retry: retry({ maximumInterval: '30 seconds' }) });
const localRecords = proxyLocalActivities<ServiceRequestActivities>({ startToCloseTimeout: '15 seconds', retry: retry() });

/** Activities whose kind depends on the code the request was started by (patchedActs). */
type PatchedActivity = 'contactOptions' | 'contactHoursWait' | 'grantReplyIncentive';

/**
 * The short reads and the grant became local activities with a patch each; requests started
 * before scheduled them on the task queue, and their histories replay that way. The request's
 * patches (patches.ts) say which: a request started by current code takes them local unchecked.
 */
export const patchedActs = (patches: Patches): Pick<ServiceRequestActivities, PatchedActivity> => ({
  contactOptions: (...args) => (patches.has('short-reads-local') ? localReads : records).contactOptions(...args),
  contactHoursWait: (...args) => (patches.has('short-reads-local') ? localReads : records).contactHoursWait(...args),
  grantReplyIncentive: (...args) => (patches.has('incentive-grant-local') ? localRecords : records).grantReplyIncentive(...args),
});

/**
 * Every activity with the options of its kind; a new activity does not compile until it is given
 * one (here or, for one whose kind a patch changed, in patchedActs).
 */
export const acts: Omit<Activities, PatchedActivity> = {
  registerServiceRequest: records.registerServiceRequest,
  findTechnicianCandidates: records.findTechnicianCandidates,
  reserveTechnicianSlot: records.reserveTechnicianSlot,
  moveBooking: records.moveBooking,
  recordJobCompleted: records.recordJobCompleted,
  classifyAndStoreReply: records.classifyAndStoreReply,
  storeLateReply: records.storeLateReply,
  closeServiceRequest: records.closeServiceRequest,
  dispatchJob: staffMessages.dispatchJob,
  openAgentTask: staffMessages.openAgentTask,
  escalateToSupervisor: staffMessages.escalateToSupervisor,
  offerTechnicianChoice: customerMessages.offerTechnicianChoice,
  sendVisitNotice: customerMessages.sendVisitNotice,
  sendEtaNotice: customerMessages.sendEtaNotice,
  placeSurveyCall: customerMessages.placeSurveyCall,
  sendSurveySms: customerMessages.sendSurveySms,
  sendSurveyEmail: customerMessages.sendSurveyEmail,
  sendSurveyWhatsapp: customerMessages.sendSurveyWhatsapp,
  sendReplyReminder: customerMessages.sendReplyReminder,
  // Added after the short reads became local: always local.
  surveySettleTime: localReads.surveySettleTime,
};
