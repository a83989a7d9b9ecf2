import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Pool } from '../../../../db/pool';

/** What the console is configured with (config/index.ts: CONSOLE_*, TEMPORAL_UI_URL). */
export interface ConsoleSettings {
  /** Signs the session cookie; unset: a random secret for this process. */
  cookieSecret?: string;
  sessionLifetimeMs?: number;
  sessionIdleMs?: number;
  loginAttemptsPerMinute?: number;
  temporalUiUrl?: string;
  temporalNamespace?: string;
  /** The zone times are shown in. */
  timeZone?: string;
}

export interface ConsoleDeps {
  pool: Pool;
  temporal: Client;
  log: Logger;
  signalTimeoutMs?: number;
  settings: ConsoleSettings;
}

export type ResolvedConsoleSettings = Required<ConsoleSettings>;

/** The settings with their defaults; without a cookie secret, a random one for this process (sessions end at a restart). */
export function resolveConsoleSettings(given: ConsoleSettings): ResolvedConsoleSettings {
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  return { ...CONSOLE_DEFAULTS, cookieSecret: randomBytes(48).toString('base64'), ...set };
}

const CONSOLE_DEFAULTS = {
  sessionLifetimeMs: 8 * 3_600_000,
  sessionIdleMs: 30 * 60_000,
  loginAttemptsPerMinute: 10,
  temporalUiUrl: 'http://localhost:8233',
  temporalNamespace: 'default',
  timeZone: 'Asia/Seoul',
};

/** The link into the Temporal Web UI for a request's workflow. */
export function temporalUiLink(settings: ResolvedConsoleSettings, workflowId: string): string {
  const base = settings.temporalUiUrl.replace(/\/$/, '');
  const namespace = settings.temporalNamespace;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
