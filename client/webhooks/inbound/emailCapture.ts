import type { Logger } from 'pino';
import type { Pool } from '../../../db/pool';
import { storeRequestedEmail, type SmsSender } from '../../../db/queries/customers';
import { emailAddressIn } from '../parsing/smsKeywords';

/**
 * KR claims 16-17: a registered customer without an email address was asked for one; an SMS that
 * carries an address stores it. 'address-only' when nothing else was said ("4, good job —
 * kim@mail.example" is an answer too and goes on to the survey reply).
 */
export async function captureRequestedEmail(deps: { pool: Pool; log: Logger }, sender: SmsSender, body: string): Promise<'none' | 'stored' | 'address-only'> {
  const email = sender.emailRequested ? emailAddressIn(body) : undefined;
  if (!email) return 'none';
  await storeRequestedEmail(deps.pool, sender.customerId, email);
  deps.log.info({ customerId: sender.customerId }, 'sms: email address stored for customer');
  const rest = body.replace(new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'), '');
  return rest.replace(/[\s,.;:!?()<>\-–—]/g, '') === '' ? 'address-only' : 'stored';
}
