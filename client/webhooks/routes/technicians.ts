import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashToken } from '../../../db/queries/accessTokens';
import { JobReportError, recordTechnicianReport, technicianByTokenHash, type StoredReport } from '../../../db/queries/technicianJobs';
import { cancelSlot, listSlots, registerSlots, ScheduleError } from '../../../db/queries/technicianSlots';
import { isTimeZone } from '../../../domain/slots';
import { deliverInbound } from '../inbox/deliver';
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

const JOB_STATUS: Record<JobReportError['code'], number> = { unknown_request: 404, not_theirs: 403, unknown_sensitivity: 400, event_conflict: 409, too_many_reports: 409 };

/** Reports one technician may send per minute: an app stuck in a loop is stopped before it fills the tables. */
export const REPORTS_PER_MINUTE = 30;
const IdempotencyKey = z.string().trim().min(1).max(200);
const SCHEDULE_STATUS: Record<ScheduleError['code'], number> = { bad_input: 400, unknown_technician: 404, overlap: 409, unknown_slot: 404, booked: 409, already_cancelled: 409 };

const technicianOf = new WeakMap<FastifyRequest, string>();

/**
 * The technicians' endpoint (US claims 2, 4, 17, 21-23, 40-42): progress and completion reports,
 * and their own working slots. Each technician authenticates with their own bearer token.
 */
export const technicianRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    // Per technician, so one runaway app never slows the others; applied after authentication.
    await app.register(rateLimit, { global: false, hook: 'preHandler', keyGenerator: (req) => technicianOf.get(req) ?? req.ip });
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

    const perTechnician = { config: { rateLimit: { max: REPORTS_PER_MINUTE, timeWindow: 60_000 } } };
    app.post<{ Params: { requestId: string } }>('/technicians/jobs/:requestId/progress', perTechnician, async (req, reply) => {
      const technicianId = technicianOf.get(req)!;
      const parsed = ProgressBody.safeParse(req.body ?? {});
      if (!parsed.success) return badRequest(reply, parsed.error);
      const body = parsed.data;
      const header = req.headers['idempotency-key'];
      const key = body.eventId === undefined && header !== undefined ? IdempotencyKey.safeParse(header) : undefined;
      if (key && !key.success) return reply.code(400).send({ error: 'Idempotency-Key: must be 1-200 characters' });
      // Without a key of the app's own, one report per status and job: a retried report is the same report.
      const clientEventId = body.eventId ?? key?.data ?? `${body.status}-report`;
      let stored: StoredReport;
      try {
        stored = await recordTechnicianReport(deps.pool, {
          requestId: req.params.requestId,
          technicianId,
          eventKey: clientEventId,
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
      return passOn(deps, reply, clientEventId, stored);
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
 * The report and its inbox row are stored before the workflow hears of it; the signal is best
 * effort within the webhook deadline, and the relay passes on what Temporal did not take. A retry
 * with the same eventId finds the stored report and, if it is still pending, signals again.
 */
async function passOn(deps: WebhookDeps, reply: FastifyReply, clientEventId: string, stored: StoredReport) {
  const answer = { eventId: clientEventId, status: stored.status, reportedAt: stored.reportedAt.toISOString(), duplicate: stored.duplicate };
  const status = stored.inboxId === undefined ? 'delivered' : await deliverInbound(deps, stored.inboxId);
  if (status === 'late') {
    // The request's workflow has ended; the report stays on record and nothing more is expected.
    return reply.code(200).send({ ...answer, signalled: false, note: 'the request is already closed; the report was kept on record' });
  }
  if (status === 'pending') {
    return reply.code(202).send({ ...answer, signalled: false, note: 'the report is stored and will be passed on as soon as the workflow service answers' });
  }
  return reply.code(stored.duplicate ? 200 : 201).send({ ...answer, signalled: true });
}
