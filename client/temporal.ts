import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';

/** A connection to the configured Temporal service: the local dev server, a cluster, or Temporal Cloud. */
export async function connectTemporal(config: Config): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY),
    apiKey: config.TEMPORAL_API_KEY,
  });
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }) };
}
