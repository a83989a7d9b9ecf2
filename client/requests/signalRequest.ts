import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { serviceRequestWorkflowId } from '../../workflows/messages';

/**
 * delivered: the workflow has the signal. closed: there is no running workflow for the request
 * (it ended), so the event can only be kept on record as late. unavailable: Temporal did not
 * answer in time (down, unreachable, slow); whoever stored the event leaves it for the relay.
 */
export type SignalOutcome = { status: 'delivered' } | { status: 'closed' } | { status: 'unavailable'; reason: string };

/**
 * The one way anything in client/ signals a service request. The deadline is real: the answer
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
