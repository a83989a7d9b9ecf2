import type { FastifyPluginAsync } from 'fastify';
import type { WebhookDeps } from '../server';

/** Liveness (the process answers) and readiness (PostgreSQL and Temporal answer too). */
export const healthRoutes =
  (deps: WebhookDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/health/live', async () => ({ status: 'ok' }));
    app.get('/health/ready', async (_req, reply) => {
      const checks = { postgres: false, temporal: false };
      await deps.pool.query('SELECT 1').then(() => (checks.postgres = true), () => undefined);
      await deps.temporalConnection.healthService
        .check({})
        .then(() => (checks.temporal = true), () => undefined);
      const ready = checks.postgres && checks.temporal;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
    });
  };
