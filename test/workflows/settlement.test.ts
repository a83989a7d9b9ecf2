import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { callOutcomeSignal, getStateQuery, serviceRequestWorkflowId } from '../../workflows/messages';
import { serviceRequestWorkflow } from '../../workflows/serviceRequest';
import type { ReplyCategory, ServiceRequestResult, ServiceRequestState } from '../../workflows/types';
import { fakeActivities } from './fakeActivities';
import { at, requestInput, startCompleted, startRequest, useTimeSkippingEnv, waitForStage, withWorker, workflowIdFor } from './harness';

const env = useTimeSkippingEnv();

async function answeredWith(category: ReplyCategory, afterwards?: (result: ServiceRequestResult) => Promise<void>) {
  const fakes = fakeActivities({ category });
  const input = requestInput();
  const result = await withWorker(env(), fakes.activities, async (tq) => {
    const handle = await startCompleted(env().client, tq, input);
    await waitForStage(handle, 'phone_attempt');
    await handle.signal(callOutcomeSignal, { eventId: 'call', callSid: 'CA1', outcome: 'answered', rating: 2, at: at() });
    const result = await handle.result();
    // Still inside the worker's lifetime: queries need a worker to answer them.
    await afterwards?.(result);
    return result;
  });
  return { ...fakes, input, result };
}

describe('classify, store, reward, follow up', () => {
  it('a repeated failure starts a linked revisit request of its own', async () => {
    let revisitState: ServiceRequestState | undefined;
    const { result, input, called } = await answeredWith('repeat_failure', async ({ followUpRequestId }) => {
      const revisit = env().client.workflow.getHandle(serviceRequestWorkflowId(followUpRequestId!));
      expect((await revisit.describe()).type).toBe('serviceRequestWorkflow');
      revisitState = await revisit.query(getStateQuery);
      await revisit.terminate('test done');
    });
    expect(result.followUpRequestId).toBeDefined();
    expect(revisitState?.customerId).toBe(input.customer.customerId);
    const revisitIntake = called('registerServiceRequest')[1]?.args[0];
    expect(revisitIntake).toMatchObject({ requestId: result.followUpRequestId, revisitOf: input.requestId, product: { field: input.product.field } });
    expect(revisitIntake).not.toHaveProperty('customer.sealedContact');
  });

  it('a complaint opens a task for the centre agent, and the points are the same as for praise', async () => {
    const complaint = await answeredWith('complaint');
    const praise = await answeredWith('delighted');
    expect(complaint.called('openAgentTask').map((c) => c.args[0])).toMatchObject([{ kind: 'complaint' }]);
    expect(praise.called('openAgentTask')).toHaveLength(0);
    expect(complaint.result.incentivePoints).toBe(praise.result.incentivePoints);
  });

  it('a usage question goes to the agent too, with no revisit', async () => {
    const { called, result } = await answeredWith('usage_question');
    expect(called('openAgentTask').map((c) => c.args[0])).toMatchObject([{ kind: 'usage_question' }]);
    expect(result.followUpRequestId).toBeUndefined();
  });

  it('the workflow id is the business key: the same request cannot be started twice', async () => {
    const { activities } = fakeActivities();
    const input = requestInput();
    await withWorker(env(), activities, async (tq) => {
      const handle = await startRequest(env().client, tq, input);
      await expect(env().client.workflow.start(serviceRequestWorkflow, { taskQueue: tq, workflowId: workflowIdFor(input), args: [input] })).rejects.toBeInstanceOf(
        WorkflowExecutionAlreadyStartedError,
      );
      expect(workflowIdFor(input)).toMatch(/^service-request-[0-9a-f-]{36}$/);
      await handle.terminate('test done');
    });
  });
});
