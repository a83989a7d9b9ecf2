import { Client, Connection } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { run } from '../../../client/cli/request';
import { loadConfig } from '../../../config';
import { serviceRequestWorkflowId } from '../../../workflows/messages';

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
