import { parseArgs } from 'node:util';
import { closeTask, getTask, labelReviewedReply, listTasks, TASK_STATUSES, takeTask, type AgentTask, type LabelChange, type TaskChange } from '../../db/queries/agentTasks';
import { recordOptOut } from '../../db/queries/consent';
import { matchReplyToRequest, type ReplyMatch } from '../../db/queries/replyMatching';
import { REPLY_CATEGORIES } from '../../domain/classification';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { formatTable } from './support/table';
import { oneOf, optionalText, positiveInteger, requiredText } from './support/values';

const USAGE = `Usage: npm run tasks -- <command> [options] [--json]
  list  [--centre ID] [--status open|taken|closed|all]   (default: open and taken)
  show  --task N                                        (the whole task, with the reply to review)
  take  --task N --agent NAME                            (an open task)
  close --task N --resolution TEXT                       (a taken task)
  label --task N --agent NAME --category CATEGORY        (a review_classification task: your category
        replaces the classifier's in the store and the statistics, and becomes labelled data)
  match --task N --agent NAME --request ID               (a match_reply task: the SMS reply answers this
        request of the sender; it is passed on to the request's workflow)
  no-calls --customer ID --agent NAME                    (the customer asked not to be called again: a
        voice opt-out, honoured like STOP; SMS and email are unchanged)
  categories: ${REPLY_CATEGORIES.join(', ')}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FLAGS_OF = { list: ['centre', 'status'], show: ['task'], take: ['task', 'agent'], close: ['task', 'resolution'], label: ['task', 'agent', 'category'], 'no-calls': ['customer', 'agent'], match: ['task', 'agent', 'request'] } as const;

/** The agents' queue: complaints, usage questions, and replies to review (KR paragraph 62). */
export async function run(argv: string[], deps: CliDeps): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        centre: { type: 'string' },
        status: { type: 'string' },
        task: { type: 'string' },
        agent: { type: 'string' },
        resolution: { type: 'string' },
        category: { type: 'string' },
        customer: { type: 'string' },
        request: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const command = subcommand(positionals, ['list', 'show', 'take', 'close', 'label', 'no-calls', 'match'] as const);
    for (const flag of ['centre', 'status', 'task', 'agent', 'resolution', 'category', 'customer', 'request'] as const) {
      if (values[flag] !== undefined && !(FLAGS_OF[command] as readonly string[]).includes(flag)) throw new UsageError(`--${flag} does not apply to ${command}`);
    }
    const print = (json: unknown, text: string) => deps.out(values.json ? JSON.stringify(json, null, 2) : text);

    if (command === 'list') {
      const centreId = optionalText('centre', values.centre);
      const status = oneOf('status', values.status, [...TASK_STATUSES, 'all'] as const);
      const statuses = status === 'all' ? TASK_STATUSES : status ? [status] : undefined;
      const tasks = await listTasks(deps.pool(), { centreId, statuses });
      print(tasks, taskTable(tasks));
      return EXIT_OK;
    }

    if (command === 'no-calls') {
      const customerId = requiredText('customer', values.customer, 100);
      const agent = requiredText('agent', values.agent, 100);
      const outcome = await recordOptOut(deps.pool(), customerId, 'voice', `agent ${agent}: asked not to be called again`);
      if (outcome === 'unknown_customer') throw new UsageError(`--customer: no customer with id ${customerId}`);
      print(
        { customerId, channel: 'voice', outcome },
        outcome === 'recorded' ? `Customer ${customerId} will not be called again (voice opt-out recorded).` : `Customer ${customerId} had already opted out of calls; nothing changed.`,
      );
      return EXIT_OK;
    }

    const taskId = positiveInteger('task', values.task);
    if (command === 'show') {
      const task = await getTask(deps.pool(), taskId);
      if (!task) throw new UsageError(`--task: no task with id ${taskId}`);
      print(task, taskDetail(task));
      return EXIT_OK;
    }
    if (command === 'label') {
      const agent = requiredText('agent', values.agent, 100);
      const category = oneOf('category', values.category, REPLY_CATEGORIES);
      if (!category) throw new UsageError(`--category is required: one of ${REPLY_CATEGORIES.join(', ')}`);
      return reportLabel(taskId, category, await labelReviewedReply(deps.pool(), { taskId, agent, category }), deps, print);
    }
    if (command === 'match') {
      const agent = requiredText('agent', values.agent, 100);
      const requestId = requiredText('request', values.request, 100);
      if (!UUID.test(requestId)) throw new UsageError(`--request must be a request id (a UUID), got "${requestId}"`);
      return reportMatch(taskId, requestId, await matchReplyToRequest(deps.pool(), { taskId, agent, requestId }), deps, print);
    }
    if (command === 'take') {
      const agent = requiredText('agent', values.agent, 100);
      return report(command, taskId, await takeTask(deps.pool(), { taskId, agent }), deps, print);
    }
    const resolution = requiredText('resolution', values.resolution, 2000);
    return report(command, taskId, await closeTask(deps.pool(), { taskId, resolution }), deps, print);
  });
}

function report(command: 'take' | 'close', taskId: number, change: TaskChange, deps: CliDeps, print: (json: unknown, text: string) => void): number {
  switch (change.outcome) {
    case 'not_found':
      throw new UsageError(`--task: no task with id ${taskId}`);
    case 'wrong_status': {
      const { task } = change;
      const why =
        task.status === 'closed'
          ? `it is already closed${task.assignee ? ` (by ${task.assignee})` : ''}`
          : task.status === 'taken'
            ? `${task.assignee} has already taken it`
            : 'it is still open: take it first';
      deps.err(`Refused: cannot ${command} task ${taskId}: ${why}.`);
      return EXIT_REFUSED;
    }
    case 'unchanged':
      print(change.task, `Task ${taskId} is already ${change.task.status}${command === 'take' ? ` by ${change.task.assignee}` : ''}; nothing changed.`);
      return EXIT_OK;
    case 'done':
      print(change.task, command === 'take' ? `Task ${taskId} taken by ${change.task.assignee}.` : `Task ${taskId} closed.`);
      return EXIT_OK;
  }
}

function reportMatch(taskId: number, requestId: string, change: ReplyMatch, deps: CliDeps, print: (json: unknown, text: string) => void): number {
  switch (change.outcome) {
    case 'not_found':
      throw new UsageError(`--task: no task with id ${taskId}`);
    case 'not_a_match_task':
      deps.err(`Refused: task ${taskId} is a ${change.task.kind} task; only match_reply tasks are matched to a request.`);
      return EXIT_REFUSED;
    case 'not_their_request':
      deps.err(`Refused: request ${requestId} is not one of the sender's requests.`);
      return EXIT_REFUSED;
    case 'wrong_status': {
      const { task } = change;
      const why = task.status === 'closed' ? `it is already closed (${task.resolution ?? 'no resolution'})` : `${task.assignee} has taken it`;
      deps.err(`Refused: cannot match task ${taskId}: ${why}.`);
      return EXIT_REFUSED;
    }
    case 'unchanged':
      print(change.task, `Task ${taskId} is already matched to request ${requestId}; nothing changed.`);
      return EXIT_OK;
    case 'done':
      print(change.task, `The reply (inbox row ${change.inboxId}) is matched to request ${requestId} and passed on to its workflow; task ${taskId} closed.`);
      return EXIT_OK;
  }
}

function reportLabel(taskId: number, category: string, change: LabelChange, deps: CliDeps, print: (json: unknown, text: string) => void): number {
  switch (change.outcome) {
    case 'not_found':
      throw new UsageError(`--task: no task with id ${taskId}`);
    case 'not_a_review':
      deps.err(`Refused: task ${taskId} is a ${change.task.kind} task; only review_classification tasks take a label.`);
      return EXIT_REFUSED;
    case 'wrong_status': {
      const { task } = change;
      const why = task.status === 'closed' ? `it is already closed (${task.resolution ?? 'no resolution'})` : `${task.assignee} has taken it`;
      deps.err(`Refused: cannot label task ${taskId}: ${why}.`);
      return EXIT_REFUSED;
    }
    case 'unchanged':
      print(change.task, `Task ${taskId} is already labelled ${category}; nothing changed.`);
      return EXIT_OK;
    case 'done':
      print(change.task, `Reply ${change.task.replyId} labelled ${category} (the classifier said ${change.previous}); task ${taskId} closed.`);
      return EXIT_OK;
  }
}

function taskDetail(t: AgentTask): string {
  const lines: [string, unknown][] = [
    ['task', t.id],
    ['kind', t.kind],
    ['status', t.status],
    ['centre', t.centreId],
    ['request', t.requestId],
    ['inbox', t.inboxId],
    ['reply', t.replyId],
    ['assignee', t.assignee],
    ['created', t.createdAt.toISOString()],
    ['resolution', t.resolution],
    ['summary', t.summary],
  ];
  return lines
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${name.padEnd(11)}${String(value)}`)
    .join('\n');
}

function taskTable(tasks: AgentTask[]): string {
  return formatTable(
    [
      { header: 'id', value: (t) => t.id, align: 'right' },
      { header: 'status', value: (t) => t.status },
      { header: 'kind', value: (t) => t.kind },
      { header: 'centre', value: (t) => t.centreId },
      { header: 'created', value: (t) => t.createdAt },
      { header: 'assignee', value: (t) => t.assignee },
      { header: 'summary', value: (t) => (t.summary.length > 60 ? `${t.summary.slice(0, 59)}…` : t.summary) },
      { header: 'request', value: (t) => t.requestId },
    ],
    tasks,
  );
}

runAsMain(import.meta.url, run);
