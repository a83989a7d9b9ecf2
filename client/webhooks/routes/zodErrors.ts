import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** A 400 whose message names every offending field, e.g. "status: Invalid option ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`).join('; ');
}

export function badRequest(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: describeIssues(error) });
}
