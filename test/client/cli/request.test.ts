import { Client, Connection } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { run } from '../../../client/cli/request';
import { loadConfig } from '../../../config';
import { chooseTechnicianUpdate, getStateQuery, jobCompletedSignal, serviceRequestWorkflowId } from '../../../workflows/messages';
import { NativeConnection, Worker } from '@temporalio/worker';
import { fakeActivities } from '../../workflows/fakeActivities';
import { workflowBundle } from '../../workflows/harness';
import { requestInput } from '../../workflows/requestFixtures';
import { startRequest, waitForStage } from '../../workflows/driving';
import type { Candidate } from '../../../workflows/types';

let connection: Connection;
let client: Client;
const taskQueue = `request-cli-${randomUUID()}`; // no worker: started requests wait, which is all these tests need
const config = loadConfig({ PII_SEALING_KEY: randomBytes(32).toString('base64'), TEMPORAL_TASK_QUEUE: taskQueue });

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  for await (const wf of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
    await client.workflow.getHandle(wf.workflowId).terminate('test done');
  }
  await connection.close();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { config, temporal: async () => client, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const window = () => {
  const from = new Date(Date.now() + 86_400_000);
  return ['--from', from.toISOString(), '--to', new Date(from.getTime() + 86_400_000).toISOString()];
};

describe('npm run request', () => {
  it('starts a request from flags: prints its ids, and the history holds no contact details', async () => {
    const { code, out } = await cli('start', '--area', '06236', '--field', 'refrigerator', '--fault', 'not cooling', '--name', 'Jane Doe', '--email', 'jane@mail.example', '--mobile', '010-5555-0102', ...window());
    expect(code).toBe(0);
    const requestId = out.match(/request id:\s+([0-9a-f-]{36})/)?.[1];
    expect(out).toContain(`workflow id: ${serviceRequestWorkflowId(requestId!)}`);
    const handle = client.workflow.getHandle(serviceRequestWorkflowId(requestId!));
    expect((await handle.describe()).taskQueue).toBe(taskQueue);
    const history = JSON.stringify(await handle.fetchHistory());
    for (const personal of ['Jane Doe', 'jane@mail.example', '5555']) expect(history).not.toContain(personal);
  });

  it('starts a request from a JSON file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'request-'));
    const file = path.join(dir, 'request.json');
    const [, from, , to] = window();
    await writeFile(file, JSON.stringify({ customer: { id: 'demo-cus-42', areaCode: '06236' }, product: { field: 'refrigerator', fault: 'noise' }, wantedWindow: { start: from, end: to } }));
    const { code, out } = await cli('start', '--file', file);
    expect(code).toBe(0);
    expect(out).toContain('customer id: demo-cus-42');
  });

  it('refuses bad input naming the field, and starts nothing', async () => {
    const noContact = await cli('start', '--area', '06236', '--field', 'refrigerator', '--fault', 'x', ...window());
    expect(noContact).toMatchObject({ code: 2 });
    expect(noContact.err).toMatch(/customer.email: a new customer needs an email address or a mobile number/);
    const badPhone = await cli('start', '--area', '06236', '--field', 'refrigerator', '--fault', 'x', '--name', 'A', '--mobile', '12', ...window());
    expect(badPhone.err).toMatch(/customer.mobile: is not a valid phone number/);
    const past = await cli('start', '--area', '06236', '--field', 'refrigerator', '--fault', 'x', '--name', 'A', '--email', 'a@mail.example', '--from', '2020-01-01T00:00:00Z', '--to', '2020-01-02T00:00:00Z');
    expect(past.err).toMatch(/wantedWindow.end: the wanted window is already over/);
    const missing = await cli('start', '--field', 'refrigerator');
    expect(missing.err).toMatch(/--area is required/);
    expect((await cli('list', '--stage', 'sleeping')).err).toMatch(/--stage must be one of/);
    expect((await cli('show', '--request', 'abc')).err).toMatch(/--request must be a request id/);
    expect((await cli('frobnicate')).err).toMatch(/unknown command "frobnicate"/);
  });

  it('shows a request and sends signals by hand; an unknown request is reported as such', async () => {
    const { out } = await cli('start', '--customer-id', 'demo-cus-43', '--area', '06236', '--field', 'refrigerator', '--fault', 'x', ...window());
    const requestId = out.match(/request id:\s+([0-9a-f-]{36})/)![1]!;
    const shown = await cli('show', '--request', requestId);
    expect(JSON.parse(shown.out)).toMatchObject({ workflowId: serviceRequestWorkflowId(requestId), status: 'RUNNING' });
    const signalled = await cli('signal', '--request', requestId, '--signal', 'progress', '--technician', 'tech-kim', '--status', 'arrived');
    expect(signalled).toMatchObject({ code: 0 });
    const history = await client.workflow.getHandle(serviceRequestWorkflowId(requestId)).fetchHistory();
    expect(JSON.stringify(history)).toContain('technicianProgress');
    expect((await cli('signal', '--request', requestId, '--signal', 'reply', '--rating', '9')).err).toMatch(/--rating must be 1-5/);
    const unknown = await cli('cancel', '--request', randomUUID(), '--reason', 'test');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no such request/);
  });
});

describe('npm run request: updates print what really happened', () => {
  const slot = (technicianId: string, slotId: number, inDays: number): Candidate => {
    const start = new Date(Date.now() + inDays * 86_400_000);
    return { technicianId, slotId, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7_200_000).toISOString() };
  };

  /** A real workflow on a worker with in-memory activities, booked with tech-a on slot 1 (three days ahead). */
  async function withBookedRequest(fn: (requestId: string) => Promise<void>, freeSlots: Candidate[] = []) {
    // Reachable by phone: after the visit the workflow waits for the survey call's outcome.
    const { activities } = fakeActivities({ candidates: [slot('tech-a', 1, 3), slot('tech-b', 2, 3)], contact: { voice: true, sms: false, email: false }, freeSlots });
    const queue = `request-cli-updates-${randomUUID()}`;
    const nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await Worker.create({ connection: nativeConnection, taskQueue: queue, workflowBundle: await workflowBundle(), activities });
    try {
      await worker.runUntil(async () => {
        const input = requestInput();
        const handle = await startRequest(client, queue, input);
        try {
          await waitForStage(handle, 'awaiting_customer_choice');
          await handle.executeUpdate(chooseTechnicianUpdate, { args: [{ technicianId: 'tech-a' }] });
          await waitForStage(handle, 'awaiting_completion');
          await fn(input.requestId);
        } finally {
          await handle.terminate('test done').catch(() => undefined);
        }
      });
    } finally {
      await nativeConnection.close();
    }
  }

  it('reschedule and reassign print the new visit, a refusal its reason (exit 1), and the same --event-id the first answer', async () => {
    const later = slot('tech-a', 7, 5);
    await withBookedRequest(async (requestId) => {
      const moved = await cli('reschedule', '--request', requestId, '--technician', 'tech-a', '--slot', '7', '--starts-at', later.startsAt, '--event-id', 'move-1');
      expect(moved).toMatchObject({ code: 0 });
      expect(moved.out).toMatch(new RegExp(`^moved: now technician tech-a, slot 7, ${later.startsAt} to ${later.endsAt} \\(was technician tech-a, slot 1, `));
      const repeated = await cli('reschedule', '--request', requestId, '--technician', 'tech-a', '--slot', '7', '--starts-at', later.startsAt, '--event-id', 'move-1');
      expect(repeated.out).toBe(moved.out);
      const past = await cli('reschedule', '--request', requestId, '--technician', 'tech-b', '--slot', '2', '--starts-at', '2020-01-01T00:00:00Z');
      expect(past).toMatchObject({ code: 1 });
      expect(past.err).toBe('reschedule refused: the new time has passed (in_the_past)');
      const reassigned = await cli('reassign', '--request', requestId, '--technician', 'tech-b', '--reason', 'tech-a is ill');
      expect(reassigned).toMatchObject({ code: 0 });
      expect(reassigned.out).toContain('now technician tech-b, slot 8');
      const none = await cli('reassign', '--request', requestId, '--technician', 'tech-z', '--reason', 'x');
      expect(none).toMatchObject({ code: 1, err: 'not moved: no_free_slot' });
      expect((await cli('reschedule', '--request', requestId, '--technician', 'tech-a', '--slot', 'x', '--starts-at', later.startsAt)).err).toMatch(/--slot must be a slot id/);
    }, [later, slot('tech-b', 8, 4)]);
  });

  it('cancel prints the released visit, and is refused with the reason once the visit is done', async () => {
    await withBookedRequest(async (requestId) => {
      const cancelled = await cli('cancel', '--request', requestId, '--reason', 'fixed it', '--event-id', 'cancel-1');
      expect(cancelled).toMatchObject({ code: 0 });
      expect(cancelled.out).toMatch(new RegExp(`^cancelled ${serviceRequestWorkflowId(requestId)}; released: technician tech-a, slot 1, `));
    });
    await withBookedRequest(async (requestId) => {
      const handle = client.workflow.getHandle(serviceRequestWorkflowId(requestId));
      await handle.signal(jobCompletedSignal, { eventId: 'done', technicianId: 'tech-a', resolved: true, at: new Date().toISOString() });
      await waitFor(async () => (await handle.query(getStateQuery)).progress.some((p) => p.status === 'completed'));
      const refused = await cli('cancel', '--request', requestId, '--reason', 'too late');
      expect(refused).toMatchObject({ code: 1, err: 'cancellation refused: the visit is done; there is nothing left to change (visit_completed)' });
    });
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
