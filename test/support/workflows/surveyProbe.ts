import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { bookingReleasedSignal, callOutcomeSignal, jobCompletedSignal, surveyDeliveryFailedSignal, surveyReplySignal, technicianProgressSignal } from '../../../workflows/messages';

export interface SurveyProbeRecord {
  signal: 'surveyReply' | 'callOutcome' | 'surveyDeliveryFailed' | 'bookingReleased' | 'technicianProgress' | 'jobCompleted';
  payload: Record<string, unknown>;
}

export const surveyProbeQuery = defineQuery<SurveyProbeRecord[]>('surveyProbeSignals');
export const surveyProbeStopSignal = defineSignal('surveyProbeStop');

/**
 * Stands in for the service-request workflow under its real id, recording the survey signals the
 * webhooks send (with their exact payloads) through a real Temporal server.
 */
export async function surveyProbe(): Promise<SurveyProbeRecord[]> {
  const received: SurveyProbeRecord[] = [];
  let stopped = false;
  setHandler(surveyReplySignal, (payload) => void received.push({ signal: 'surveyReply', payload: { ...payload } }));
  setHandler(callOutcomeSignal, (payload) => void received.push({ signal: 'callOutcome', payload: { ...payload } }));
  setHandler(surveyDeliveryFailedSignal, (payload) => void received.push({ signal: 'surveyDeliveryFailed', payload: { ...payload } }));
  setHandler(bookingReleasedSignal, (payload) => void received.push({ signal: 'bookingReleased', payload: { ...payload } }));
  setHandler(technicianProgressSignal, (payload) => void received.push({ signal: 'technicianProgress', payload: { ...payload } }));
  setHandler(jobCompletedSignal, (payload) => void received.push({ signal: 'jobCompleted', payload: { ...payload } }));
  setHandler(surveyProbeQuery, () => received);
  setHandler(surveyProbeStopSignal, () => void (stopped = true));
  await condition(() => stopped);
  return received;
}
