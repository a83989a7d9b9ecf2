import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../../config';
import {
  callOutcomeSignal,
  getStateQuery,
  jobCompletedSignal,
  serviceRequestWorkflowId,
  surveyReplySignal,
  technicianChosenSignal,
  technicianProgressSignal,
  type VisitChangeResult,
} from '../../workflows/messages';
import { STAGES, type Booking } from '../../workflows/types';
import { RequestValidationError, startServiceRequest } from '../requests/newRequest';
import { cancelRequest, reassignTechnician, rescheduleVisit, signalRequest, type UpdateOutcome } from '../requests/signalRequest';
import { connectTemporal } from '../temporal';
import { EXIT_OK, EXIT_REFUSED, UsageError, withUsage } from './support/cli';
import { oneOf, requiredText } from './support/values';

const USAGE = `Usage: npm run request -- <command> [flags]
  start  --file request.json | --area A --field F --fault TEXT --from ISO --to ISO
         [--customer-id ID] [--name N --email E --mobile M] [--language ko|en] [--model M] [--preferred-channel email|sms|whatsapp]
         [--opt-in marketing,marketing_night,whatsapp]
  show   --request ID
  list   [--stage STAGE] [--centre ID] [--customer ID] [--limit N]
  signal --request ID --signal choose|progress|complete|call-outcome|reply [--technician T] [--status S]
         [--resolved true|false] [--outcome O] [--rating 1-5] [--channel sms|email|web|voice|whatsapp] [--event-id K]
  cancel --request ID --reason TEXT [--event-id K]
  reschedule --request ID --technician T --slot N --starts-at ISO [--event-id K]
  reassign --request ID --technician T [--slot N] --reason TEXT [--event-id K]
cancel, reschedule and reassign are updates: they print what really happened, or why not
(exit 1 when refused). The same --event-id sent again gets the first answer.`;

const QUERY_DEADLINE_MS = 5000;

export interface RequestCliDeps {
  config: Config;
  temporal: () => Promise<Client>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Operators' and demos' handle on service requests: start, look, list, signal, cancel. */
export async function run(argv: string[], deps: RequestCliDeps): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const [command, ...rest] = argv;
    const { values } = parseArgs({
      args: rest,
      options: Object.fromEntries(
        ['file', 'area', 'field', 'fault', 'from', 'to', 'customer-id', 'name', 'email', 'mobile', 'language', 'model', 'preferred-channel', 'opt-in',
          'request', 'stage', 'centre', 'customer', 'limit', 'signal', 'technician', 'status', 'resolved', 'outcome', 'rating', 'channel', 'event-id', 'reason', 'slot', 'starts-at']
          .map((k) => [k, { type: 'string' as const }]),
      ),
      strict: true,
    });
    const v = values as Record<string, string | undefined>;
    switch (command) {
      case 'start':
        return start(v, deps);
      case 'show':
        return show(requestId(v), deps);
      case 'list':
        return list(v, deps);
      case 'signal':
        return signal(v, deps);
      case 'cancel': {
        const id = requestId(v);
        const outcome = await cancelRequest(await deps.temporal(), id, { reason: requiredText('reason', v.reason) }, updateOptions(v));
        return answer(deps, id, 'cancellation', outcome, (r) =>
          r.outcome === 'cancelled'
            ? { ok: true, line: `cancelled ${serviceRequestWorkflowId(id)}${r.released ? `; released: ${describeBooking(r.released)}` : '; no visit was booked'}` }
            : { ok: false, line: `not cancelled: ${r.reason}` },
        );
      }
      case 'reschedule': {
        const id = requestId(v);
        const startsAt = requiredText('starts-at', v['starts-at']);
        if (Number.isNaN(Date.parse(startsAt))) throw new UsageError(`--starts-at must be an ISO date-time, got "${startsAt}"`);
        const to = { technicianId: requiredText('technician', v.technician), slotId: slotNumber(requiredText('slot', v.slot)), startsAt: new Date(startsAt).toISOString() };
        return answer(deps, id, 'reschedule', await rescheduleVisit(await deps.temporal(), id, to, updateOptions(v)), visitChanged);
      }
      case 'reassign': {
        const id = requestId(v);
        const to = { technicianId: requiredText('technician', v.technician), slotId: v.slot === undefined ? undefined : slotNumber(v.slot), reason: requiredText('reason', v.reason) };
        return answer(deps, id, 'reassignment', await reassignTechnician(await deps.temporal(), id, to, updateOptions(v)), visitChanged);
      }
      default:
        throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
    }
  }).catch((err) => {
    if (err instanceof WorkflowNotFoundError) {
      deps.err(`no such request: ${err.workflowId ?? ''}`);
      return EXIT_REFUSED;
    }
    throw err;
  });
}

function requestId(v: Record<string, string | undefined>): string {
  const id = requiredText('request', v.request);
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new UsageError(`--request must be a request id (a UUID), got "${id}"`);
  return id;
}

async function start(v: Record<string, string | undefined>, deps: RequestCliDeps): Promise<number> {
  let body: unknown;
  if (v.file) {
    try {
      body = JSON.parse(await readFile(v.file, 'utf8'));
    } catch (err) {
      throw new UsageError(`--file: cannot read JSON from ${v.file}: ${(err as Error).message}`);
    }
  } else {
    body = {
      customer: { id: v['customer-id'], name: v.name, email: v.email, mobile: v.mobile, areaCode: requiredText('area', v.area), language: v.language, preferredChannel: v['preferred-channel'], optIns: v['opt-in']?.split(',').map((o) => o.trim()) },
      product: { field: requiredText('field', v.field), model: v.model, fault: requiredText('fault', v.fault, 2000) },
      wantedWindow: { start: requiredText('from', v.from), end: requiredText('to', v.to) },
    };
  }
  try {
    const started = await startServiceRequest(await deps.temporal(), deps.config, body);
    deps.out(`request id:  ${started.requestId}\nworkflow id: ${started.workflowId}\ncustomer id: ${started.customerId}`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof RequestValidationError) throw new UsageError(err.message);
    throw err;
  }
}

async function show(id: string, deps: RequestCliDeps): Promise<number> {
  const client = await deps.temporal();
  const handle = client.workflow.getHandle(serviceRequestWorkflowId(id));
  const description = await handle.describe();
  // A query needs a running worker; without one the operator still gets the status, promptly.
  const state = await client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getStateQuery))
    .catch(() => 'unavailable: no worker answered the query');
  deps.out(JSON.stringify({ workflowId: handle.workflowId, status: description.status.name, startTime: description.startTime, closeTime: description.closeTime, state }, null, 2));
  return EXIT_OK;
}

async function list(v: Record<string, string | undefined>, deps: RequestCliDeps): Promise<number> {
  const stage = oneOf('stage', v.stage, STAGES);
  const clauses = [`WorkflowType = "serviceRequestWorkflow"`];
  if (stage) clauses.push(`ServiceRequestStage = "${stage}"`);
  if (v.centre) clauses.push(`ServiceCentreId = "${requiredText('centre', v.centre).replace(/"/g, '')}"`);
  if (v.customer) clauses.push(`ServiceCustomerId = "${requiredText('customer', v.customer).replace(/"/g, '')}"`);
  const limit = v.limit ? Number(v.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got "${v.limit}"`);
  let n = 0;
  for await (const wf of (await deps.temporal()).workflow.list({ query: clauses.join(' AND ') })) {
    const attrs = wf.searchAttributes as Record<string, unknown[] | undefined>;
    deps.out([wf.workflowId, wf.status.name, attrs.ServiceRequestStage?.[0] ?? '-', attrs.ServiceTechnicianId?.[0] ?? '-', attrs.ServiceReplyCategory?.[0] ?? '-'].join('\t'));
    if (++n >= limit) break;
  }
  if (n === 0) deps.out('no matching requests');
  return EXIT_OK;
}

/** An update's id: the operator's --event-id (to repeat a call safely), else a new one. */
const updateOptions = (v: Record<string, string | undefined>) => ({ updateId: v['event-id'] ?? `cli-${randomUUID()}`, deadlineMs: CLI_SIGNAL_DEADLINE_MS });

function slotNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--slot must be a slot id (a positive whole number), got "${value}"`);
  return n;
}

const describeBooking = (b: Booking) => `technician ${b.technicianId}, slot ${b.slotId}, ${b.startsAt} to ${b.endsAt}`;

const visitChanged = (r: VisitChangeResult) =>
  r.outcome === 'moved'
    ? { ok: true, line: `moved: now ${describeBooking(r.booking)} (was ${describeBooking(r.previous)})` }
    : { ok: false, line: `not moved: ${r.reason}` };

/** Prints what the update really did (or why not); a refusal exits with EXIT_REFUSED. */
function answer<R>(deps: RequestCliDeps, id: string, what: string, outcome: UpdateOutcome<R>, describe: (r: R) => { ok: boolean; line: string }): number {
  switch (outcome.status) {
    case 'answered': {
      const { ok, line } = describe(outcome.result);
      (ok ? deps.out : deps.err)(line);
      return ok ? EXIT_OK : EXIT_REFUSED;
    }
    case 'refused':
      deps.err(`${what} refused: ${outcome.message} (${outcome.reason})`);
      return EXIT_REFUSED;
    case 'accepted':
      deps.out(`${what} accepted by ${serviceRequestWorkflowId(id)}; its result did not come in time (see: request show --request ${id})`);
      return EXIT_OK;
    case 'closed':
      throw new WorkflowNotFoundError('no running workflow', serviceRequestWorkflowId(id), undefined);
    case 'unavailable':
      throw new Error(`the ${what} was not taken: ${outcome.reason}`);
  }
}

/** An operator may wait longer than a webhook, but not for ever. */
const CLI_SIGNAL_DEADLINE_MS = 10_000;

/** Through the one signalling module; a request without a running workflow is reported as "no such request". */
async function sendSignal<T>(deps: RequestCliDeps, id: string, definition: SignalDefinition<[T]>, payload: T): Promise<void> {
  const outcome = await signalRequest(await deps.temporal(), id, definition, payload, CLI_SIGNAL_DEADLINE_MS);
  if (outcome.status === 'closed') throw new WorkflowNotFoundError('no running workflow', serviceRequestWorkflowId(id), undefined);
  if (outcome.status === 'unavailable') throw new Error(`the signal was not taken: ${outcome.reason}`);
}

async function signal(v: Record<string, string | undefined>, deps: RequestCliDeps): Promise<number> {
  const id = requestId(v);
  const workflowId = serviceRequestWorkflowId(id);
  const send = <T>(definition: SignalDefinition<[T]>, payload: T) => sendSignal(deps, id, definition, payload);
  const eventId = v['event-id'] ?? `cli-${randomUUID()}`;
  const at = new Date().toISOString();
  const kind = oneOf('signal', requiredText('signal', v.signal), ['choose', 'progress', 'complete', 'call-outcome', 'reply'] as const);
  const rating = () => {
    if (v.rating === undefined) return undefined;
    const n = Number(v.rating);
    if (!Number.isInteger(n) || n < 1 || n > 5) throw new UsageError(`--rating must be 1-5, got "${v.rating}"`);
    return n;
  };
  switch (kind) {
    case 'choose':
      await send(technicianChosenSignal, { eventId, technicianId: requiredText('technician', v.technician) });
      break;
    case 'progress':
      await send(technicianProgressSignal, { eventId, technicianId: requiredText('technician', v.technician), status: oneOf('status', requiredText('status', v.status), ['en_route', 'arrived', 'working'] as const)!, at });
      break;
    case 'complete':
      await send(jobCompletedSignal, { eventId, technicianId: requiredText('technician', v.technician), resolved: oneOf('resolved', v.resolved ?? 'true', ['true', 'false'] as const) === 'true', at });
      break;
    case 'call-outcome':
      await send(callOutcomeSignal, { eventId, callSid: `manual-${eventId}`, outcome: oneOf('outcome', requiredText('outcome', v.outcome), ['answered', 'callback_requested', 'no_answer', 'busy', 'failed', 'machine', 'refused'] as const)!, rating: rating(), at });
      break;
    case 'reply':
      await send(surveyReplySignal, { eventId, channel: oneOf('channel', v.channel ?? 'web', ['sms', 'email', 'web', 'voice', 'whatsapp'] as const)!, rating: rating(), at });
      break;
  }
  deps.out(`${kind} signal sent to ${workflowId} (event id ${eventId})`);
  return EXIT_OK;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = loadConfig();
  let connection: Awaited<ReturnType<typeof connectTemporal>> | undefined;
  run(process.argv.slice(2), {
    config,
    temporal: async () => (connection ??= await connectTemporal(config)).client,
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  })
    .then((code) => (process.exitCode = code))
    .catch((err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = EXIT_REFUSED;
    })
    .finally(() => connection?.connection.close());
}
