import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * The Temporal SDK's process-wide runtime for a worker: the SDK's own logs (and the Rust core's,
 * forwarded) go to pino like the rest of the process's, and with a metrics address the core
 * serves Prometheus metrics (task slots, poll and task latencies, failures) at /metrics there.
 * Must run before the first connection is made; a second call in one process is refused.
 */
export function installWorkerRuntime(log: Logger, options: { metricsBindAddress?: string } = {}): void {
  Runtime.install({
    logger: pinoSdkLogger(log.child({ component: 'temporal-sdk' })),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      ...(options.metricsBindAddress ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } } : {}),
    },
  });
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** The SDK's Logger interface over pino: metadata first, message second, as pino wants them. */
export function pinoSdkLogger(log: Logger): SdkLogger {
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => log[LEVELS[level]](meta ?? {}, message);
  return {
    log: (level, message, meta) => at(level)(message, meta),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
}
