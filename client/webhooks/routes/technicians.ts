import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashToken } from '../../../db/queries/accessTokens';
import { JobReportError, markReportSignalled, recordTechnicianReport, technicianByTokenHash, type StoredReport } from '../../../db/queries/technicianJobs';
import { cancelSlot, listSlots, registerSlots, ScheduleError } from '../../../db/queries/technicianSlots';
import { isTimeZone } from '../../../domain/slots';
import { jobCompletedSignal, serviceRequestWorkflowId, technicianProgressSignal } from '../../../workflows/messages';
import type { WebhookDeps } from '../server';
import { badRequest } from './zodErrors';

const ProgressBody = z
  .object({
    eventId: z.string().trim().min(1).max(200).optional(),
    status: z.enum(['en_route', 'arrived', 'working', 'completed']),
    note: z.string().max(2000).optional(),
    resolved: z.boolean().optional(),
    sensitivityClass: z.string().trim().min(1).max(100).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.status === 'completed' && b.resolved === undefined) ctx.addIssue({ code: 'custom', path: ['resolved'], message: 'is required when status is completed' });
    if (b.status !== 'completed' && b.resolved !== undefined) ctx.addIssue({ code: 'custom', path: ['resolved'], message: 'goes only with status completed' });
    if (b.status !== 'completed' && b.sensitivityClass !== undefined) ctx.addIssue({ code: 'custom', path: ['sensitivityClass'], message: 'goes only with status completed' });
  });

const SlotsBody = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  slots: z.array(z.string()).min(1).max(48),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Seoul').optional(),
});

const JOB_STATUS: Record<JobReportError['code'], number> = { unknown_request: 404, not_theirs: 403, unknown_sensitivity: 400, event_conflict: 409 };
const SCHEDULE_STATUS: Record<ScheduleError['code'], number> = { bad_input: 400, unknown_technician: 404, overlap: 409, unknown_slot: 404, booked: 409, already_cancelled: 409 };

const technicianOf = new WeakMap<FastifyRequest, string>();

/**
 * The technicians' endpoint (US claims 2, 4, 17, 21-23, 40-42): progress and completion reports,
 * and their own working slots. Each technician authenticates with their own bearer token.
 */
export const technicianRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.addHook('preHandler', async (req, reply) => {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const technician = match ? await technicianByTokenHash(deps.pool, hashToken(match[1]!)) : undefined;
      if (!technician) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid technician bearer token is required (Authorization: Bearer <token>)' });
      }
      if (!technician.active) return reply.code(403).send({ error: `technician ${technician.id} is not active` });
      technicianOf.set(req, technician.id);
    });

    app.post<{ Params: { requestId: string } }>('/technicians/jobs/:requestId/progress', async (req, reply) => {
      const technicianId = technicianOf.get(req)!;
      const parsed = ProgressBody.safeParse(req.body ?? {});
      if (!parsed.success) return badRequest(reply, parsed.error);
      const body = parsed.data;
      const clientEventId = body.eventId ?? randomUUID();
      let stored: StoredReport;
      try {
        stored = await recordTechnicianReport(deps.pool, {
          requestId: req.params.requestId,
          technicianId,
          eventId: `technician:${technicianId}:${clientEventId}`,
          status: body.status,
          note: body.note,
          resolved: body.resolved,
          sensitivityClass: body.sensitivityClass,
          at: deps.clock(),
        });
      } catch (err) {
        if (err instanceof JobReportError) return reply.code(JOB_STATUS[err.code]).send({ error: err.message });
        throw err;
      }
      return passOn(deps, req, reply, { requestId: req.params.requestId, technicianId, clientEventId, stored });
    });

    app.get<{ Querystring: { date?: string } }>('/technicians/slots', async (req, reply) => {
      return scheduleCall(reply, async () => {
        const result = await listSlots(deps.pool, { technicianId: technicianOf.get(req)!, date: req.query.date, now: deps.clock() });
        return reply.send({ timeZone: result.timeZone, slots: result.slots.map((s) => ({ id: s.id, label: s.label, startsAt: s.start, endsAt: s.end, bookedBy: s.bookedBy })) });
      });
    });

    app.post('/technicians/slots', async (req, reply) => {
      const parsed = SlotsBody.safeParse(req.body ?? {});
      if (!parsed.success) return badRequest(reply, parsed.error);
      return scheduleCall(reply, async () => {
        const { date, slots, timeZone } = parsed.data;
        const result = await registerSlots(deps.pool, { technicianId: technicianOf.get(req)!, date, slots, timeZone, now: deps.clock() });
        return reply.code(201).send({ timeZone: result.timeZone, slots: result.slots.map((s) => ({ id: s.id, label: s.label, startsAt: s.start, endsAt: s.end })) });
      });
    });

    app.delete<{ Params: { slotId: string }; Querystring: { releaseBooking?: string } }>('/technicians/slots/:slotId', async (req, reply) => {
      const slotId = /^\d{1,15}$/.test(req.params.slotId) ? Number(req.params.slotId) : NaN;
      if (!Number.isSafeInteger(slotId)) return reply.code(400).send({ error: `slotId "${req.params.slotId}" is not a slot id` });
      return scheduleCall(reply, async () => {
        const result = await cancelSlot(deps.pool, { slotId, technicianId: technicianOf.get(req)!, releaseBooking: req.query.releaseBooking === 'true', now: deps.clock() });
        return reply.send(result);
      });
    });
  };

async function scheduleCall(reply: FastifyReply, body: () => Promise<FastifyReply>) {
  try {
    return await body();
  } catch (err) {
    if (err instanceof ScheduleError) return reply.code(SCHEDULE_STATUS[err.code]).send({ error: err.message });
    throw err;
  }
}

/**
 * The report is stored before the workflow hears of it. If the signal fails, the answer says so and
 * the app retries with the same eventId: the retry finds the stored row and only signals again.
 */
async function passOn(
  deps: WebhookDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  job: { requestId: string; technicianId: string; clientEventId: string; stored: StoredReport },
) {
  const { stored, technicianId } = job;
  const handle = deps.temporal.workflow.getHandle(serviceRequestWorkflowId(job.requestId));
  const at = stored.reportedAt.toISOString();
  const answer = { eventId: job.clientEventId, status: stored.status, reportedAt: at, duplicate: stored.duplicate };
  try {
    await deps.temporal.withAbortSignal(AbortSignal.timeout(deps.signalTimeoutMs ?? 3000), () =>
      stored.status === 'completed'
        ? handle.signal(jobCompletedSignal, { eventId: stored.eventId, technicianId, resolved: stored.resolved ?? false, at })
        : handle.signal(technicianProgressSignal, { eventId: stored.eventId, technicianId, status: stored.status, at }),
    );
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      // The request's workflow has ended; the report stays on record and nothing more is expected.
      return reply.code(200).send({ ...answer, signalled: false, note: 'the request is already closed; the report was kept on record' });
    }
    req.log.warn({ err, requestId: job.requestId }, 'technician report stored but not signalled');
    return reply.code(503).send({ ...answer, error: 'the report was stored but not yet passed on; retry with the same eventId' });
  }
  await markReportSignalled(deps.pool, stored.eventId, deps.clock());
  return reply.code(stored.duplicate ? 200 : 201).send({ ...answer, signalled: true });
}
