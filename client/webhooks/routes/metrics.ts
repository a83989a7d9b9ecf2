import type { FastifyPluginAsync } from 'fastify';
import type { WebhookMetrics } from '../../metrics/webhookMetrics';
import { operatorGuard } from '../operatorGuard';

/** GET /metrics: Prometheus exposition, for operators (Bearer OPERATOR_ACCESS_TOKEN when set). */
export const metricsRoutes =
  ({ metrics, accessToken }: { metrics: WebhookMetrics; accessToken?: string }): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', operatorGuard(accessToken, 'metrics'));
    app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).header('cache-control', 'no-store').send(await metrics.render()));
  };
