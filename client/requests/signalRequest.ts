import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import { ApplicationFailure, type SignalDefinition, type UpdateDefinition } from '@temporalio/common';
import {
  cancelRequestUpdate,
  chooseTechnicianUpdate,
  getStateQuery,
  reassignTechnicianUpdate,
  REFUSAL_CODES,
  rescheduleVisitUpdate,
  serviceRequestWorkflowId,
  UPDATE_REFUSED,
  type CancelRequest,
  type ChooseTechnician,
  type ReassignTechnician,
  type RefusalCode,
  type RescheduleVisit,
} from '../../workflows/messages';
import type { ServiceRequestState } from '../../workflows/types';

/**
 * delivered: the workflow has the signal. closed: there is no running workflow for the request
 * (it ended), so the event can only be kept on record as late. unavailable: Temporal did not
 * answer in time (down, unreachable, slow); whoever stored the event leaves it for the relay.
 */
export type SignalOutcome = { status: 'delivered' } | { status: 'closed' } | { status: 'unavailable'; reason: string };

/**
 * The one way anything in client/ signals a service request (updateRequest below sends updates). The deadline is real: the answer
 * comes back when it passes whatever the connection is doing (a lazy connection still dialling
 * a dead server, a hung call), and the call itself is aborted. A signal that lands after the
 * deadline is harmless: it carries the event's idempotency key, as the relay's retry will.
 */
export async function signalRequest<T>(temporal: Client, requestId: string, signal: SignalDefinition<[T]>, payload: T, deadlineMs: number): Promise<SignalOutcome> {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<SignalOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({ status: 'unavailable', reason: `Temporal did not take the signal within ${deadlineMs} ms` });
    }, deadlineMs);
  });
  const attempt = (async (): Promise<SignalOutcome> => {
    try {
      await temporal.withAbortSignal(abort.signal, () => temporal.workflow.getHandle(serviceRequestWorkflowId(requestId)).signal(signal, payload));
      return { status: 'delivered' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { status: 'closed' };
      return { status: 'unavailable', reason: String((err as Error)?.message ?? err) };
    }
  })();
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * answered: the workflow accepted the update and answered in time. refused: its validator refused
 * (nothing happened), with the reason. accepted: taken, but the answer did not come within the
 * deadline (it will still be carried out). closed: no running workflow. unavailable: Temporal or
 * the worker did not take it in time; nothing is known to have happened.
 */
export type UpdateOutcome<R> =
  | { status: 'answered'; result: R }
  | { status: 'refused'; reason: RefusalCode; message: string }
  | { status: 'accepted' }
  | { status: 'closed' }
  | { status: 'unavailable'; reason: string };

/**
 * The one way anything in client/ sends an update to a service request. The update id makes it
 * idempotent: the same id sent again (a double submit, a retried CLI call) gets the first answer.
 */
export async function updateRequest<R, A>(
  temporal: Client,
  requestId: string,
  update: UpdateDefinition<R, [A]>,
  arg: A,
  options: UpdateCallOptions,
): Promise<UpdateOutcome<R>> {
  const abort = new AbortController();
  let accepted = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const deadline = new Promise<UpdateOutcome<R>>((resolve) => {
    const giveUp = () => {
      abort.abort();
      resolve(accepted ? { status: 'accepted' } : { status: 'unavailable', reason: 'Temporal did not take the update in time' });
    };
    timers.push(setTimeout(giveUp, options.deadlineMs));
    // Not even accepted by then: whoever called may take another way (the inbox's signal).
    if (options.acceptDeadlineMs !== undefined) timers.push(setTimeout(() => !accepted && giveUp(), options.acceptDeadlineMs));
  });
  const attempt = (async (): Promise<UpdateOutcome<R>> => {
    try {
      return await temporal.withAbortSignal(abort.signal, async () => {
        const handle = temporal.workflow.getHandle(serviceRequestWorkflowId(requestId));
        const updating = await handle.startUpdate(update, { args: [arg] as [A], updateId: options.updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
        accepted = true;
        return { status: 'answered', result: await updating.result() };
      });
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal) return refusal;
      if (err instanceof WorkflowNotFoundError || /already completed/i.test(String((err as Error)?.message))) return { status: 'closed' };
      if (accepted) return { status: 'accepted' };
      return { status: 'unavailable', reason: String((err as Error)?.message ?? err) };
    }
  })();
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}

export interface UpdateCallOptions {
  /** The update's id: the same id sent again gets the first answer. */
  updateId: string;
  /** The longest wait for the answer; accepted but unanswered by then: { status: 'accepted' }. */
  deadlineMs: number;
  /** The longest wait for the workflow to accept it at all (default: deadlineMs). */
  acceptDeadlineMs?: number;
}

function refusalOf(err: unknown): { status: 'refused'; reason: RefusalCode; message: string } | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== UPDATE_REFUSED) return undefined;
  const code = cause.details?.[0];
  return { status: 'refused', reason: (REFUSAL_CODES as readonly unknown[]).includes(code) ? (code as RefusalCode) : 'request_closed', message: cause.message };
}

/** The customer's technician choice; the answer is what was really booked. */
export const chooseTechnician = (temporal: Client, requestId: string, choice: ChooseTechnician, options: UpdateCallOptions) =>
  updateRequest(temporal, requestId, chooseTechnicianUpdate, choice, options);

/** Cancellation; the answer is the released visit, or why it was refused. */
export const cancelRequest = (temporal: Client, requestId: string, cancellation: CancelRequest, options: UpdateCallOptions) =>
  updateRequest(temporal, requestId, cancelRequestUpdate, cancellation, options);

/** The customer moves the visit to another free slot. */
export const rescheduleVisit = (temporal: Client, requestId: string, to: RescheduleVisit, options: UpdateCallOptions) =>
  updateRequest(temporal, requestId, rescheduleVisitUpdate, to, options);

/** An operator moves the visit to another technician (the operator console calls this too). */
export const reassignTechnician = (temporal: Client, requestId: string, to: ReassignTechnician, options: UpdateCallOptions) =>
  updateRequest(temporal, requestId, reassignTechnicianUpdate, to, options);

/** The request's state as its workflow tells it (open or closed), or undefined when no answer came within the deadline. */
export async function requestState(temporal: Client, requestId: string, deadlineMs: number): Promise<ServiceRequestState | undefined> {
  try {
    return await temporal.withDeadline(Date.now() + deadlineMs, () => temporal.workflow.getHandle(serviceRequestWorkflowId(requestId)).query(getStateQuery));
  } catch {
    return undefined;
  }
}
