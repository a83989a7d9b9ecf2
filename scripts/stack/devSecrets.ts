import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface DevSecrets {
  PII_SEALING_KEY: string;
  TWILIO_WEBHOOK_AUTH_TOKEN: string;
  SENDGRID_INBOUND_SECRET: string;
  TECHNICIAN_TOKEN_SECRET: string;
  OPERATOR_ACCESS_TOKEN: string;
  /** Signs the operator console's session cookies, so sessions outlive a restart. */
  CONSOLE_COOKIE_SECRET: string;
  /** One key, `local-1`: rotate by putting a new `id:key` in front (see the README). */
  PAYLOAD_ENCRYPTION_KEYS: string;
}

/**
 * Secrets for a local installation, made once and kept in the data folder (never in the repo), so
 * sealed contact details stay readable across restarts. A value set in the environment wins.
 */
export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>;
    // Secrets added by a newer version are filled in; existing ones are never changed.
    const complete = { ...fresh(), ...stored };
    if (Object.keys(stored).length !== Object.keys(complete).length) await writeFile(file, JSON.stringify(complete, null, 2), { mode: 0o600 });
    return complete;
  }
  const secrets = fresh();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

function fresh(): DevSecrets {
  return {
    PII_SEALING_KEY: randomBytes(32).toString('base64'),
    TWILIO_WEBHOOK_AUTH_TOKEN: randomBytes(16).toString('hex'),
    SENDGRID_INBOUND_SECRET: randomBytes(16).toString('hex'),
    TECHNICIAN_TOKEN_SECRET: randomBytes(32).toString('hex'),
    OPERATOR_ACCESS_TOKEN: randomBytes(16).toString('hex'),
    CONSOLE_COOKIE_SECRET: randomBytes(48).toString('base64'),
    PAYLOAD_ENCRYPTION_KEYS: `local-1:${randomBytes(32).toString('base64')}`,
  };
}

