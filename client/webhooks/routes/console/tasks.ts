import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { closeTask, labelReviewedReply, listTasks, TASK_STATUSES, takeTask, type AgentTask, type TaskChange } from '../../../../db/queries/agentTasks';
import { addTaskNote, openTaskCase } from '../../../../db/queries/consoleTasks';
import { REPLY_CATEGORIES } from '../../../../domain/classification';
import type { PageLanguage } from '../../pages/html';
import { taskCaseBody, taskListBody, TASK_FILTERS, type TaskFilter } from '../../pages/console/taskPages';
import { ct, type ConsoleText } from '../../pages/console/texts';
import { field, type ConsoleContext } from './context';
import { temporalUiLink, type ResolvedConsoleSettings } from './settings';

type WithId = { Params: { id: string } };
const taskIdOf = (raw: string) => (/^\d{1,12}$/.test(raw) ? Number(raw) : undefined);

/**
 * The agents' queue in the browser: the same moves as the tasks CLI (the same functions), with the
 * customer's contact details and reply shown on the task page (each showing logged) and notes.
 */
export const taskRoutes =
  (ctx: ConsoleContext, settings: ResolvedConsoleSettings): FastifyPluginAsync =>
  async (app) => {
    const { pool } = ctx.deps;
    const tz = settings.timeZone;

    app.get('/console/tasks', async (req, reply) => {
      const lang = ctx.language(req, reply);
      const { status: asked, centre } = req.query as { status?: unknown; centre?: unknown };
      const filter: TaskFilter = (TASK_FILTERS as readonly unknown[]).includes(asked) ? (asked as TaskFilter) : 'open';
      const statuses = filter === 'all' ? TASK_STATUSES : filter === 'closed' ? (['closed'] as const) : undefined;
      const centreId = typeof centre === 'string' && centre.trim() && centre.length <= 200 ? centre.trim() : undefined;
      const tasks = await listTasks(pool, { statuses, centreId, limit: 300 });
      return ctx.render(req, reply, 200, { language: lang, title: ct(lang, 'tasksTitle'), active: 'tasks' }, taskListBody(lang, tz, tasks, filter, centreId));
    });

    async function showTask(req: FastifyRequest, reply: FastifyReply, taskId: number | undefined, status = 200, error?: string) {
      const lang = ctx.language(req, reply);
      const operator = req.operator!;
      const found = taskId === undefined ? undefined : await openTaskCase(pool, { taskId, username: operator.username });
      if (!found) return ctx.render(req, reply, 404, { language: lang, title: ct(lang, 'notFound'), active: 'tasks' }, '');
      const body = taskCaseBody(lang, tz, found, { ...operator, username: operator.username }, found.request ? temporalUiLink(settings, found.request.workflowId) : '');
      return ctx.render(req, reply, status, { language: lang, title: ct(lang, 'taskTitle', { id: found.task.id, kind: found.task.kind }), active: 'tasks', flash: error ? { kind: 'error', message: error } : undefined }, body);
    }

    app.get<WithId>('/console/tasks/:id', async (req, reply) => showTask(req, reply, taskIdOf(req.params.id)));

    app.post<WithId>('/console/tasks/:id/take', async (req, reply) => {
      const taskId = taskIdOf(req.params.id);
      if (taskId === undefined) return showTask(req, reply, undefined);
      const change = await takeTask(pool, { taskId, agent: req.operator!.username });
      return answer(req, reply, taskId, change, (lang, task) => ct(lang, 'taken', { id: task.id, who: task.assignee ?? '' }));
    });

    app.post<WithId>('/console/tasks/:id/close', async (req, reply) => {
      const taskId = taskIdOf(req.params.id);
      if (taskId === undefined) return showTask(req, reply, undefined);
      const resolution = (field(req.body, 'resolution') ?? '').trim();
      if (!resolution || resolution.length > 2000) return showTask(req, reply, taskId, 400, required(ctx.language(req, reply), 'resolution', 2000));
      const change = await closeTask(pool, { taskId, resolution });
      return answer(req, reply, taskId, change, (lang, task) => ct(lang, 'closed', { id: task.id }));
    });

    app.post<WithId>('/console/tasks/:id/notes', async (req, reply) => {
      const taskId = taskIdOf(req.params.id);
      if (taskId === undefined) return showTask(req, reply, undefined);
      const body = (field(req.body, 'note') ?? '').trim();
      if (!body || body.length > 4000) return showTask(req, reply, taskId, 400, required(ctx.language(req, reply), 'note', 4000));
      if ((await addTaskNote(pool, { taskId, author: req.operator!.username, body })) === 'not_found') return showTask(req, reply, undefined);
      return ctx.redirectWith(reply, `/console/tasks/${taskId}`, { kind: 'ok', message: ct(ctx.language(req, reply), 'noteAdded') });
    });

    app.post<WithId>('/console/tasks/:id/label', async (req, reply) => {
      const taskId = taskIdOf(req.params.id);
      if (taskId === undefined) return showTask(req, reply, undefined);
      const lang = ctx.language(req, reply);
      const category = field(req.body, 'category');
      if (!category || !(REPLY_CATEGORIES as readonly string[]).includes(category)) {
        return showTask(req, reply, taskId, 400, ct(lang, 'badInput', { problem: `${ct(lang, 'category')}: ${REPLY_CATEGORIES.join(', ')}` }));
      }
      const change = await labelReviewedReply(pool, { taskId, agent: req.operator!.username, category });
      switch (change.outcome) {
        case 'not_found':
          return showTask(req, reply, undefined);
        case 'not_a_review':
          return showTask(req, reply, taskId, 409, ct(lang, 'refusedNotReview'));
        case 'wrong_status':
          return showTask(req, reply, taskId, 409, refusal(lang, change.task));
        case 'unchanged':
        case 'done':
          return ctx.redirectWith(reply, `/console/tasks/${taskId}`, {
            kind: 'ok',
            message: ct(lang, 'labelled', { id: taskId, category, previous: change.outcome === 'done' ? change.previous : category }),
          });
      }
    });

    function answer(req: FastifyRequest, reply: FastifyReply, taskId: number, change: TaskChange, done: (lang: PageLanguage, task: AgentTask) => string) {
      const lang = ctx.language(req, reply);
      if (change.outcome === 'not_found') return showTask(req, reply, undefined);
      if (change.outcome === 'wrong_status') return showTask(req, reply, taskId, 409, refusal(lang, change.task));
      return ctx.redirectWith(reply, `/console/tasks/${taskId}`, { kind: 'ok', message: done(lang, change.task) });
    }
  };

function refusal(lang: PageLanguage, task: AgentTask): string {
  if (task.status === 'closed') return ct(lang, 'refusedClosed');
  if (task.status === 'taken') return ct(lang, 'refusedTaken', { who: task.assignee ?? '' });
  return ct(lang, 'refusedOpen');
}

function required(lang: PageLanguage, name: ConsoleText, max: number): string {
  return ct(lang, 'fieldRequired', { field: ct(lang, name), max });
}
