import Fastify from 'fastify';
import { statisticsRoutes, type StatisticsRouteOptions } from '../../../client/webhooks/routes/statistics';

/** Only the statistics plugin: the full webhook server also needs Temporal for readiness. */
export async function statisticsApp(options: StatisticsRouteOptions) {
  const app = Fastify({ logger: false });
  await app.register(statisticsRoutes(options));
  return app;
}
