import { parseArgs } from 'node:util';
import { closeTask, listTasks, TASK_STATUSES, takeTask, type AgentTask, type TaskChange } from '../../db/queries/agentTasks';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { formatTable } from './support/table';
import { oneOf, optionalText, positiveInteger, requiredText } from './support/values';

const USAGE = `Usage: npm run tasks -- <command> [options] [--json]
  list  [--centre ID] [--status open|taken|closed|all]   (default: open and taken)
  take  --task N --agent NAME                            (an open task)
  close --task N --resolution TEXT                       (a taken task)`;

const FLAGS_OF = { list: ['centre', 'status'], take: ['task', 'agent'], close: ['task', 'resolution'] } as const;

/** The agents' queue of complaints and usage questions (KR paragraph 62). */
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
        json: { type: 'boolean', default: false },
      },
    });
    const command = subcommand(positionals, ['list', 'take', 'close'] as const);
    for (const flag of ['centre', 'status', 'task', 'agent', 'resolution'] as const) {
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

    const taskId = positiveInteger('task', values.task);
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
