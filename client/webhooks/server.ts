import formbody from '@fastify/formbody';
import type { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Pool } from '../../db/pool';
import { healthRoutes } from './routes/health';

export interface WebhookDeps {
  pool: Pool;
  temporal: Client;
  /** For readiness: the Temporal service's own health check. */
  temporalConnection: Connection;
  log: Logger;
  clock: () => Date;
  settings: {
    publicBaseUrl: string;
    bodyLimitBytes: number;
    taskQueue: string;
  };
}

/**
 * The HTTP face of the system: provider webhooks, the technicians' endpoint, the customers' pages
 * and health checks. Every inbound event is stored in PostgreSQL before it becomes a signal.
 */
export async function buildWebhookServer(deps: WebhookDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.settings.bodyLimitBytes,
    // Behind a proxy the public URL differs from the local one; signatures use the configured base.
    trustProxy: true,
  });
  await app.register(formbody);
  await app.register(healthRoutes(deps));
  return app;
}
