import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { dataConverterFor } from './codec/dataConverter';

/** A connection to the configured Temporal service: the local dev server, a cluster, or Temporal Cloud. */
export async function connectTemporal(config: Config, options: { lazy?: boolean } = {}): Promise<{ client: Client; connection: Connection }> {
  const settings = {
    address: config.TEMPORAL_ADDRESS,
    tls: config.TEMPORAL_TLS || Boolean(config.TEMPORAL_API_KEY),
    apiKey: config.TEMPORAL_API_KEY,
  };
  // Lazy (the webhook server): it must start and store inbound events even while Temporal is down.
  // Its signals are best effort within a deadline and retried by the relay, so gRPC's own retries
  // are left out: their timers outlive an aborted call and would keep dialling a dead server.
  const connection = options.lazy ? Connection.lazy({ ...settings, interceptors: [] }) : await Connection.connect(settings);
  // Every payload the client writes or reads goes through the deployment's encryption codec.
  return { connection, client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(config) }) };
}
