import { condition, defineQuery, defineSignal, setHandler, type SignalDefinition } from '@temporalio/workflow';
import type { ChoiceResult } from '../../../workflows/messages';
import {
  bookingReleasedSignal,
  callOutcomeSignal,
  cancelRequestSignal,
  jobCompletedSignal,
  surveyDeliveryFailedSignal,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
  chooseTechnicianUpdate,
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
export interface ProbeOptions {
  /** The visit the probe answers a choice with (booked with the chosen technician); unset: no update handler. */
  visit?: { slotId: number; startsAt: string; endsAt: string };
}

export async function signalProbe(options: ProbeOptions = {}): Promise<ProbeRecord[]> {
  const received: ProbeRecord[] = [];
  let stopped = false;
  for (const definition of SERVICE_REQUEST_SIGNALS) {
    setHandler(definition, (payload) => void received.push({ signal: definition.name, payload: { ...payload } }));
  }
  const { visit } = options;
  if (visit) {
    // The update is recorded like a signal (update:<name>) and answered with the configured visit.
    setHandler(chooseTechnicianUpdate, (payload): ChoiceResult => {
      received.push({ signal: `update:${chooseTechnicianUpdate.name}`, payload: { ...payload } });
      return { outcome: 'booked', booking: { technicianId: payload.technicianId, ...visit }, asChosen: true };
    });
  }
  setHandler(probeSignalsQuery, () => received);
  setHandler(probeStopSignal, () => void (stopped = true));
  await condition(() => stopped);
  return received;
}
