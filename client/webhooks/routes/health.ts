import type { FastifyPluginAsync } from 'fastify';
import { schemaIsCurrent } from '../../../db/migrate';
import type { WebhookDeps } from '../server';

/** A dependency that does not answer within this is reported down: readiness itself answers fast. */
const CHECK_TIMEOUT_MS = 1500;

/** Liveness (the process answers) and readiness (PostgreSQL, with the schema, and Temporal answer too). */
export const healthRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/health/live', async () => ({ status: 'ok' }));
    app.get('/health/ready', async (_req, reply) => {
      const [postgres, temporal] = await Promise.all([
        answersWithin(schemaIsCurrent(deps.pool).then((current) => current || Promise.reject(new Error('migrations pending')))),
        answersWithin(deps.temporalConnection.healthService.check({})),
      ]);
      const checks = { postgres, temporal };
      const ready = postgres && temporal;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    });
  };

function answersWithin(check: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  return Promise.race([check.then(() => true, () => false), timeout]).finally(() => clearTimeout(timer));
}
