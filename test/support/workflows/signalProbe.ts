import { condition, defineQuery, defineSignal, setHandler, type SignalDefinition } from '@temporalio/workflow';
import {
  bookingReleasedSignal,
  callOutcomeSignal,
  cancelRequestSignal,
  jobCompletedSignal,
  surveyDeliveryFailedSignal,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
} from '../../../workflows/messages';

export interface ProbeRecord {
  signal: string;
  payload: Record<string, unknown>;
}

export const probeSignalsQuery = defineQuery<ProbeRecord[]>('probeSignals');
export const probeStopSignal = defineSignal('probeStop');

const SERVICE_REQUEST_SIGNALS: SignalDefinition<[object]>[] = [
  technicianChosenSignal,
  technicianProgressSignal,
  jobCompletedSignal,
  bookingReleasedSignal,
  cancelRequestSignal,
  callOutcomeSignal,
  surveyReplySignal,
  surveyDeliveryFailedSignal,
] as SignalDefinition<[object]>[];

/**
 * Stands in for the service-request workflow under its real workflow id, so webhook and relay
 * tests see exactly which signals were sent, with what payload, through a real Temporal server.
 */
export async function signalProbe(): Promise<ProbeRecord[]> {
  const received: ProbeRecord[] = [];
  let stopped = false;
  for (const definition of SERVICE_REQUEST_SIGNALS) {
    setHandler(definition, (payload) => void received.push({ signal: definition.name, payload: { ...payload } }));
  }
  setHandler(probeSignalsQuery, () => received);
  setHandler(probeStopSignal, () => void (stopped = true));
  await condition(() => stopped);
  return received;
}
