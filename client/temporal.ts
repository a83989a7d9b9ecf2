import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { dataConverterFor } from './codec/dataConverter';

/** A connection to the configured Temporal service: the local dev server, a cluster, or Temporal Cloud. */
export async function connectTemporal(config: Config, options: { lazy?: boolean } = {}): Promise<{ client: Client; connection: Connection }> {
  // Lazy: the webhook server must start and store inbound events even while Temporal is down.
  const connect = options.lazy ? async (o: Parameters<typeof Connection.lazy>[0]) => Connection.lazy(o) : Connection.connect.bind(Connection);
  const connection = await connect({
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY),
    apiKey: config.TEMPORAL_API_KEY,
  });
  // Every payload the client writes or reads goes through the deployment's encryption codec.
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) }) };
}
