import type { Config } from '../config';
import type { FollowUpPolicy } from '../workflows/types';

/** The durations a new request runs with, scaled by TIME_SCALE for demos (same code, shorter waits). */
export function followUpPolicy(config: Config): FollowUpPolicy {
  const scaled = (ms: number) => Math.max(1000, Math.round(ms / config.TIME_SCALE));
  return {
    choiceTimeoutMs: scaled(config.CHOICE_TIMEOUT),
    completionSlaMs: scaled(config.COMPLETION_SLA),
    callOutcomeTimeoutMs: scaled(config.CALL_OUTCOME_TIMEOUT),
    replyWindowMs: scaled(config.REPLY_WINDOW),
    reminderBeforeCloseMs: scaled(config.REPLY_REMINDER_BEFORE_CLOSE),
    noTechnicianRetryMs: scaled(config.NO_TECHNICIAN_RETRY_INTERVAL),
    noTechnicianMaxAttempts: config.NO_TECHNICIAN_MAX_ATTEMPTS,
    surveyChannelPolicy: config.SURVEY_CHANNEL_POLICY,
    // Zero means no settle time at all (the wait is skipped), not the 1 s floor of the other waits.
    settleTimeMs: config.SURVEY_SETTLE_TIME === 0 ? 0 : scaled(config.SURVEY_SETTLE_TIME),
    timeScale: config.TIME_SCALE,
    rescheduleNoticeMs: scaled(config.RESCHEDULE_MIN_NOTICE),
    maxReschedules: config.RESCHEDULE_MAX_COUNT,
  };
}
