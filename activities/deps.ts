import type { Logger } from 'pino';
import type { Pool } from '../db/pool';
import type { Gateways } from '../providers/ports';

/** Everything activities touch, handed in so tests can pass fakes without module mocking. */
export interface ActivityDeps {
  pool: Pool;
  gateways: Gateways;
  clock: () => Date;
  log: Logger;
  settings: ActivitySettings;
}

export interface ActivitySettings {
  piiSealingKey: string;
  publicBaseUrl: string;
  inboundEmailDomain: string;
  defaultTimeZone: string;
  contactHours: { start: string; end: string };
  incentivePoints: number;
  /** Approved WhatsApp templates (Content SIDs) for the survey and the reminder outside the 24-hour session. */
  whatsappTemplates?: { survey?: string; reminder?: string };
  /** Replies classified with less confidence are stored with needs_review and reviewed by an agent. */
  classifierReviewThreshold?: number;
}
