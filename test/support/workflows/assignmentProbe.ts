import { condition, defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import { jobCompletedSignal, technicianChosenSignal, technicianProgressSignal } from '../../../workflows/messages';

export interface ProbeRecord {
  signal: 'technicianChosen' | 'technicianProgress' | 'jobCompleted';
  payload: unknown;
}

export const probeSignalsQuery = defineQuery<ProbeRecord[]>('probeSignals');
export const probeStopSignal = defineSignal('probeStop');

/**
 * Stands in for the service-request workflow under its real workflow id, so webhook tests can see
 * exactly which signals the endpoints sent, with what payload, through a real Temporal server.
 */
export async function assignmentProbe(): Promise<ProbeRecord[]> {
  const received: ProbeRecord[] = [];
  let stopped = false;
  setHandler(technicianChosenSignal, (payload) => void received.push({ signal: 'technicianChosen', payload }));
  setHandler(technicianProgressSignal, (payload) => void received.push({ signal: 'technicianProgress', payload }));
  setHandler(jobCompletedSignal, (payload) => void received.push({ signal: 'jobCompleted', payload }));
  setHandler(probeSignalsQuery, () => received);
  setHandler(probeStopSignal, () => void (stopped = true));
  await condition(() => stopped);
  return received;
}
